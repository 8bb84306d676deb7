-- funnel_rollup_apply in PL/pgSQL: a SQL-language function that is not inlined (an INSERT) plans its statement again at
-- every call, which was most of the cost of a one-person ledger refresh (docs/outcomes.md "Upkeep"); PL/pgSQL keeps the
-- plan for the session. Same statement, same result.
CREATE OR REPLACE FUNCTION funnel_rollup_apply(sign int, changed campaign_outcomes[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO funnel_rollup AS f (campaign_id, cohort_month, dial_week, cpi_code, operator_id, control, selected, queued,
                                    dialed, answered, right_person, intake, attended, placed, placed_after_intake,
                                    retained_6m, stable, hired)
    SELECT o.campaign_id, date_trunc('month', o.selected_on)::date, o.dial_week, o.cpi_code, o.operator_id, o.control,
           sign * count(*), sign * count(*) FILTER (WHERE o.queued), sign * count(o.dialed_on), sign * count(o.answered_on),
           sign * count(*) FILTER (WHERE o.right_person), sign * count(o.intake_on), sign * count(*) FILTER (WHERE o.attended),
           sign * count(o.placed_on), sign * count(*) FILTER (WHERE o.placed_after_intake),
           sign * count(*) FILTER (WHERE o.retained_6m), sign * count(*) FILTER (WHERE o.stable), sign * count(o.hired_on)
    FROM   unnest(changed) o
    GROUP  BY 1, 2, 3, 4, 5, 6
    ORDER  BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (campaign_id, cohort_month, dial_week, cpi_code, operator_id, control) DO UPDATE
    SET    selected = f.selected + excluded.selected, queued = f.queued + excluded.queued, dialed = f.dialed + excluded.dialed,
           answered = f.answered + excluded.answered, right_person = f.right_person + excluded.right_person,
           intake = f.intake + excluded.intake, attended = f.attended + excluded.attended, placed = f.placed + excluded.placed,
           placed_after_intake = f.placed_after_intake + excluded.placed_after_intake,
           retained_6m = f.retained_6m + excluded.retained_6m, stable = f.stable + excluded.stable, hired = f.hired + excluded.hired;
END
$$;
