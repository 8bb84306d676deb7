-- Issue 16, after 0530. A transition table's rows aggregate to record[]: cast each to the ledger's row type for funnel_rollup_apply.
CREATE OR REPLACE FUNCTION funnel_rollup_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM funnel_rollup_apply(1, (SELECT array_agg(n::campaign_outcomes) FROM new_rows n));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION funnel_rollup_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM funnel_rollup_apply(-1, (SELECT array_agg(o::campaign_outcomes) FROM old_rows o));
    PERFORM funnel_rollup_apply(1, (SELECT array_agg(n::campaign_outcomes) FROM new_rows n));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION funnel_rollup_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM funnel_rollup_apply(-1, (SELECT array_agg(o::campaign_outcomes) FROM old_rows o));
    RETURN NULL;
END $$;

-- An entry deleted (benchmarks reset their lists; nothing in the product deletes entries) takes its ledger row with it,
-- and the delete trigger its counts out of the rollup.
ALTER TABLE campaign_outcomes DROP CONSTRAINT campaign_outcomes_entry_id_fkey;
ALTER TABLE campaign_outcomes ADD CONSTRAINT campaign_outcomes_entry_id_fkey
    FOREIGN KEY (entry_id) REFERENCES contact_list_entries (id) ON DELETE CASCADE;
