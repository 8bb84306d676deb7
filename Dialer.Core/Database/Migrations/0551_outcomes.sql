-- Outcomes (issue 16, docs/outcomes.md): what became of each person a campaign selected; after 0545, since a placement
-- reads its employer's sector from the spell. One rule in one place: the
-- function campaign_outcome_facts says, from the raw tables, every fact of the funnel and of the placement; the ledger
-- campaign_outcomes keeps those facts per contact list entry (refreshed by the imports, the dialing events, the
-- selection, attendance and a nightly pass), and funnel_rollup keeps their counts per group, maintained by triggers on
-- the ledger, so that the funnel is a sum over a few hundred rows.

-- A campaign's control group: selected, recorded, never queued (docs/outcomes.md "Control group").
ALTER TABLE contact_list_entries DROP CONSTRAINT contact_list_entries_state_check;
ALTER TABLE contact_list_entries ADD CONSTRAINT contact_list_entries_state_check
    CHECK (state IN ('pending', 'in_progress', 'completed', 'expired', 'withdrawn', 'held_out'));

-- Documents applied before these fields existed read as their defaults (CampaignDefinition writes both from now on).
UPDATE campaigns SET definition = jsonb_build_object('controlShare', 0, 'attributionMonths', 12) || definition;

-- Whether a person is held out of a campaign: the first 60 bits of SHA-256("slug:cf") as a fraction of 2^60, below the
-- share. Deterministic and reproducible by anyone with the two strings (ControlGroup.IsHeldOut computes the same).
CREATE FUNCTION control_fraction(slug text, person_cf text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ('x' || substr(encode(sha256(convert_to(slug || ':' || person_cf, 'UTF8')), 'hex'), 1, 15))::bit(60)::bigint
           / 1152921504606846976.0::double precision
$$;

-- The contract families of docs/outcomes.md "Contract families", from the tipologia (docs/contract-types.txt); none
-- without a contract. The
-- codes without "determinato/indeterminato" since 2013 (domestic, shared, home work) read as permanent without a planned end.
CREATE FUNCTION contract_family(contract_type text, planned_end_on date) RETURNS text
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

-- Where a person was born, from the codice fiscale's birth place (docs/outcomes.md "Equity"): Italy (a comune's
-- Belfiore code), an EU member state (its Z code in the ANPR foreign states table), elsewhere, or unknown.
CREATE FUNCTION birth_area(birth_place text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN birth_place IS NULL OR birth_place !~ '^[A-Z][0-9]{3}$' THEN 'unknown'
        WHEN birth_place NOT LIKE 'Z%' THEN 'italy'
        WHEN birth_place IN ('Z102', 'Z103', 'Z104', 'Z107', 'Z109', 'Z110', 'Z112', 'Z115', 'Z116', 'Z120', 'Z121', 'Z126',
                             'Z127', 'Z128', 'Z129', 'Z131', 'Z132', 'Z134', 'Z144', 'Z145', 'Z146', 'Z149', 'Z150', 'Z155',
                             'Z156', 'Z211') THEN 'eu'
        ELSE 'non_eu'
    END
$$;

-- Age bands on a day (the selection's): the bands of the equity report.
CREATE FUNCTION age_band(birth_on date, on_day date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN birth_on IS NULL THEN 'unknown'
        WHEN birth_on > on_day - interval '25 years' THEN '15-24'
        WHEN birth_on > on_day - interval '35 years' THEN '25-34'
        WHEN birth_on > on_day - interval '45 years' THEN '35-44'
        WHEN birth_on > on_day - interval '55 years' THEN '45-54'
        ELSE '55+'
    END
$$;

-- Every fact of a contact list entry, as of p_today (a Europe/Rome date), from the raw tables. Inlined by the planner
-- (a single SELECT in SQL, STABLE): a filter on entry_id, campaign_id or person_cf reaches the tables underneath.
-- Dates of calls are Europe/Rome days. The rules (docs/outcomes.md):
--   answered      a person picked up (not a machine); right_person: an operator recorded a disposition that needs the
--                 person themself (intake, refusal, already employed, call-back, do-not-call)
--   placed        the first hiring (a spell with its hiring notice) that starts after the day of the first answered
--                 call, within the campaign's attributionMonths, and has started by p_today; placed_after_intake the
--                 same after the day of the intake; hired_on the same after the selection day, for both the called
--                 and the control group (the uplift's intention-to-treat comparison)
--   retained      employed by anyone (a spell covering the day) 3 and 6 months after the placement's start; null until
--                 that day has come
--   stable        permanent or apprenticeship, or transformed to permanent, or planned (with extensions) for 6 months
--                 or more, or retained 6 months
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

-- The ledger: campaign_outcome_facts as last refreshed, one row per contact list entry.
CREATE TABLE campaign_outcomes (
    -- An entry deleted (benchmarks reset their lists; nothing in the product deletes entries) takes its row with it.
    entry_id               bigint  PRIMARY KEY REFERENCES contact_list_entries (id) ON DELETE CASCADE,
    campaign_id            bigint  NOT NULL,
    person_cf              text    NOT NULL,
    selected_on            date    NOT NULL,
    control                boolean NOT NULL,
    sex                    text,
    age_band               text    NOT NULL,
    birth_area             text    NOT NULL,
    comune_code            text,
    cpi_code               text,
    queued                 boolean NOT NULL,
    dialed_on              date,
    dial_week              date,
    answered_on            date,
    operator_id            bigint,
    right_person           boolean NOT NULL,
    intake_on              date,
    attended               boolean NOT NULL,
    hired_on               date,
    placed_on              date,
    placed_contract_type   text,
    placed_family          text,
    placed_planned_end_on  date,
    placed_occupation_code text,
    placed_permanent_on    date,
    retained_3m            boolean,
    retained_6m            boolean,
    stable                 boolean,
    placed_after_intake    boolean NOT NULL,
    placed_sector_code     text
);
CREATE INDEX campaign_outcomes_campaign ON campaign_outcomes (campaign_id);
CREATE INDEX campaign_outcomes_person ON campaign_outcomes (person_cf);

-- The funnel's counts per campaign, selection month, week of first dial, CPI, operator and group: what the funnel
-- sums. Kept equal to the ledger's counts by the triggers below (FunnelTests compares them).
CREATE TABLE funnel_rollup (
    campaign_id      bigint  NOT NULL,
    cohort_month     date    NOT NULL,
    dial_week        date,
    cpi_code         text,
    operator_id      bigint,
    control          boolean NOT NULL,
    selected         bigint  NOT NULL DEFAULT 0,
    queued           bigint  NOT NULL DEFAULT 0,
    dialed           bigint  NOT NULL DEFAULT 0,
    answered         bigint  NOT NULL DEFAULT 0,
    right_person     bigint  NOT NULL DEFAULT 0,
    intake           bigint  NOT NULL DEFAULT 0,
    attended         bigint  NOT NULL DEFAULT 0,
    placed           bigint  NOT NULL DEFAULT 0,
    placed_after_intake bigint NOT NULL DEFAULT 0,
    retained_6m      bigint  NOT NULL DEFAULT 0,
    stable           bigint  NOT NULL DEFAULT 0,
    hired            bigint  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX funnel_rollup_group ON funnel_rollup (campaign_id, cohort_month, dial_week, cpi_code, operator_id, control) NULLS NOT DISTINCT;

-- One statement's changes to the ledger, as signed counts per group, added into funnel_rollup (a transition table's rows
-- aggregate to record[]: the triggers cast them to the ledger's row type). Rows are locked in group
-- order, so that concurrent refreshes cannot deadlock on the rollup.
CREATE FUNCTION funnel_rollup_apply(sign int, changed campaign_outcomes[]) RETURNS void
LANGUAGE sql AS $$
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
           retained_6m = f.retained_6m + excluded.retained_6m, stable = f.stable + excluded.stable, hired = f.hired + excluded.hired
$$;

CREATE FUNCTION funnel_rollup_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM funnel_rollup_apply(1, (SELECT array_agg(n::campaign_outcomes) FROM new_rows n));
    RETURN NULL;
END $$;

CREATE FUNCTION funnel_rollup_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM funnel_rollup_apply(-1, (SELECT array_agg(o::campaign_outcomes) FROM old_rows o));
    PERFORM funnel_rollup_apply(1, (SELECT array_agg(n::campaign_outcomes) FROM new_rows n));
    RETURN NULL;
END $$;

CREATE FUNCTION funnel_rollup_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM funnel_rollup_apply(-1, (SELECT array_agg(o::campaign_outcomes) FROM old_rows o));
    RETURN NULL;
END $$;

CREATE TRIGGER campaign_outcomes_rollup_insert AFTER INSERT ON campaign_outcomes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_inserted();
CREATE TRIGGER campaign_outcomes_rollup_update AFTER UPDATE ON campaign_outcomes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_updated();
CREATE TRIGGER campaign_outcomes_rollup_delete AFTER DELETE ON campaign_outcomes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_deleted();
