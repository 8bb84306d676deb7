-- Issue 16: no contract, no family. contract_family(NULL, …) read 'other', so the ledger gave a family to people who
-- were not placed (the results pages counted them in the contract mix).
CREATE OR REPLACE FUNCTION contract_family(contract_type text, planned_end_on date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN contract_type IS NULL THEN NULL
        WHEN contract_type IN ('A.03.04', 'A.03.07') THEN 'fixed_term'
        WHEN contract_type LIKE 'A.03.%' THEN 'apprenticeship'
        WHEN contract_type LIKE 'A.05.%' THEN 'intermittent'
        WHEN contract_type LIKE 'A.06.%' THEN 'agency'
        WHEN contract_type IN ('A.01.00', 'A.04.00', 'A.07.00', 'A.08.00', 'F.01.00', 'G.01.00', 'I.01.00') THEN 'permanent'
        WHEN contract_type IN ('A.02.00', 'A.02.01', 'A.04.01', 'A.07.01', 'A.08.01', 'F.02.00', 'G.02.00', 'H.01.00', 'I.02.00')
            THEN 'fixed_term'
        WHEN contract_type IN ('A.04.02', 'A.07.02', 'A.08.02')
            THEN CASE WHEN planned_end_on IS NULL THEN 'permanent' ELSE 'fixed_term' END
        ELSE 'other'
    END
$$;
UPDATE campaign_outcomes SET placed_family = NULL WHERE placed_on IS NULL AND placed_family IS NOT NULL;
