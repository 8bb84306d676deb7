-- The same notices as 0100's effective_notices, with the filter written as one CASE. The planner cannot estimate
-- "r.root_code IS NULL" after an outer join (it reads the column's null fraction in notice_revisions: zero), so the
-- OR form was estimated at one row out of a million; every join above it then became a nested loop (47 s instead
-- of 1.3 s for a 20,000-person increment over 220,000 notices). A CASE gets a neutral default selectivity instead.
CREATE OR REPLACE VIEW effective_notices AS
SELECT n.*
FROM   notices n
LEFT   JOIN notice_revisions r ON r.root_code = n.root_code
WHERE  CASE WHEN r.root_code IS NULL THEN n.is_original
            ELSE r.has_root AND NOT r.cancelled AND n.code = r.chosen_code END;
