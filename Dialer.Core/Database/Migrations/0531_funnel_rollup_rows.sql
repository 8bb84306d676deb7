-- A transition table's rows aggregate to record[]: cast each to the ledger's row type for funnel_rollup_apply.
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
