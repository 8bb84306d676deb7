-- Issue 16: a placement records its employer's sector (ATECO, employment_spells.sector_code since 0545) beside the
-- occupation. The facts function gains the column (a changed result type needs DROP and CREATE); the rules are those
-- of 0530, unchanged.
DROP FUNCTION campaign_outcome_facts(date);
ALTER TABLE campaign_outcomes ADD COLUMN placed_sector_code text;

CREATE FUNCTION campaign_outcome_facts(p_today date)
RETURNS TABLE (
    entry_id bigint, campaign_id bigint, person_cf text, selected_on date, control boolean,
    sex text, age_band text, birth_area text, comune_code text, cpi_code text,
    queued boolean, dialed_on date, dial_week date, answered_on date, operator_id bigint, right_person boolean,
    intake_on date, attended boolean, hired_on date,
    placed_on date, placed_contract_type text, placed_family text, placed_planned_end_on date, placed_occupation_code text,
    placed_permanent_on date, retained_3m boolean, retained_6m boolean, stable boolean, placed_after_intake boolean,
    placed_sector_code text)
LANGUAGE sql STABLE AS $$
    SELECT e.id, e.campaign_id, e.person_cf, e.selected_on, e.state = 'held_out',
           p.sex::text, age_band(p.birth_on, e.selected_on), birth_area(p.birth_place), p.domicile_comune, t.cpi_code,
           q.id IS NOT NULL OR a.dialed_at IS NOT NULL,
           (a.dialed_at AT TIME ZONE 'Europe/Rome')::date,
           date_trunc('week', a.dialed_at AT TIME ZONE 'Europe/Rome')::date,
           (a.answered_at AT TIME ZONE 'Europe/Rome')::date,
           a.operator_id, coalesce(a.right_person, false),
           (a.intake_at AT TIME ZONE 'Europe/Rome')::date, coalesce(a.attended, false),
           h.start_on,
           pl.start_on, pl.contract_type, contract_family(pl.contract_type, pl.planned_end_on),
           coalesce(pl.extension_end_on, pl.planned_end_on), pl.occupation_code, pl.permanent_on,
           CASE WHEN pl.start_on IS NULL OR (pl.start_on + interval '3 months')::date > p_today THEN NULL
                ELSE EXISTS (SELECT 1 FROM employment_spells r WHERE r.person_cf = e.person_cf
                             AND r.start_on <= (pl.start_on + interval '3 months')::date
                             AND coalesce(r.effective_end_on, 'infinity') >= (pl.start_on + interval '3 months')::date) END,
           CASE WHEN pl.start_on IS NULL OR (pl.start_on + interval '6 months')::date > p_today THEN NULL
                ELSE EXISTS (SELECT 1 FROM employment_spells r WHERE r.person_cf = e.person_cf
                             AND r.start_on <= (pl.start_on + interval '6 months')::date
                             AND coalesce(r.effective_end_on, 'infinity') >= (pl.start_on + interval '6 months')::date) END,
           CASE WHEN pl.start_on IS NULL THEN NULL
                ELSE contract_family(pl.contract_type, pl.planned_end_on) IN ('permanent', 'apprenticeship')
                     OR pl.permanent_on IS NOT NULL
                     OR coalesce(pl.extension_end_on, pl.planned_end_on) >= (pl.start_on + interval '6 months')::date
                     OR ((pl.start_on + interval '6 months')::date <= p_today
                         AND EXISTS (SELECT 1 FROM employment_spells r WHERE r.person_cf = e.person_cf
                                     AND r.start_on <= (pl.start_on + interval '6 months')::date
                                     AND coalesce(r.effective_end_on, 'infinity') >= (pl.start_on + interval '6 months')::date)) END,
           pi.start_on IS NOT NULL,
           pl.sector_code
    FROM   contact_list_entries e
    JOIN   campaigns c ON c.id = e.campaign_id
    LEFT   JOIN people p ON p.cf = e.person_cf
    LEFT   JOIN LATERAL (SELECT min(cc.cpi_code) AS cpi_code FROM cpi_comuni cc WHERE cc.comune_code = p.domicile_comune) t ON true
    LEFT   JOIN call_queue q ON q.campaign_id = e.campaign_id AND q.person_cf = e.person_cf
    LEFT   JOIN LATERAL (
               SELECT min(ca.placed_at) AS dialed_at,
                      min(ca.answered_at) FILTER (WHERE ca.outcome IS DISTINCT FROM 'machine') AS answered_at,
                      (array_agg(d.operator_id ORDER BY ca.id) FILTER (WHERE d.operator_id IS NOT NULL))[1] AS operator_id,
                      bool_or(d.code IN ('intake_accepted', 'refused', 'already_employed', 'call_back', 'do_not_call')) AS right_person,
                      min(d.recorded_at) FILTER (WHERE d.code = 'intake_accepted') AS intake_at,
                      bool_or(ap.attendance = 'P') AS attended
               FROM   call_attempts ca
               LEFT   JOIN call_dispositions d ON d.attempt_id = ca.id
               LEFT   JOIN appointments ap ON ap.attempt_id = ca.id
               WHERE  ca.person_cf = e.person_cf AND ca.campaign_id = e.campaign_id) a ON true
    CROSS  JOIN LATERAL (SELECT make_interval(months => (c.definition ->> 'attributionMonths')::int) AS window_length) w
    LEFT   JOIN LATERAL (
               SELECT s.start_on FROM employment_spells s
               WHERE  s.person_cf = e.person_cf AND s.hired AND s.start_on > e.selected_on
                 AND  s.start_on <= least(p_today, (e.selected_on + w.window_length)::date)
               ORDER  BY s.start_on LIMIT 1) h ON true
    LEFT   JOIN LATERAL (
               SELECT s.* FROM employment_spells s
               WHERE  s.person_cf = e.person_cf AND s.hired
                 AND  s.start_on > (a.answered_at AT TIME ZONE 'Europe/Rome')::date
                 AND  s.start_on <= least(p_today, ((a.answered_at AT TIME ZONE 'Europe/Rome')::date + w.window_length)::date)
               ORDER  BY s.start_on, s.employer_cf LIMIT 1) pl ON true
    LEFT   JOIN LATERAL (
               SELECT s.start_on FROM employment_spells s
               WHERE  s.person_cf = e.person_cf AND s.hired
                 AND  s.start_on > (a.intake_at AT TIME ZONE 'Europe/Rome')::date
                 AND  s.start_on <= least(p_today, ((a.intake_at AT TIME ZONE 'Europe/Rome')::date + w.window_length)::date)
               LIMIT 1) pi ON true
$$;
