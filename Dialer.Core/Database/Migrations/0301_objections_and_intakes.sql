-- The objection register (GDPR art. 21): a person who said "do not call me again" is never selected
-- nor dialed by any campaign. Keyed by codice fiscale, and optionally by the number objected to.
CREATE TABLE objections (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_cf      text        NOT NULL,
    phone_e164     text        NULL,
    objected_on    date        NOT NULL,
    channel        text        NOT NULL CHECK (channel IN ('phone', 'email', 'pec', 'letter', 'cpi_desk', 'web')),
    note           text        NOT NULL DEFAULT '',
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    withdrawn_on   date        NULL
);
CREATE INDEX objections_active_cf ON objections (person_cf) WHERE withdrawn_on IS NULL;

-- People taken in charge (presa in carico) by a CPI: no campaign selects them again. Written by the
-- operator's "accepted intake" disposition (dialing) and by imports from the CPI systems.
CREATE TABLE intakes (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_cf      text        NOT NULL,
    taken_on       date        NOT NULL,
    cpi_code       text        NULL,
    source         text        NOT NULL CHECK (source IN ('dialer', 'sintesi', 'manual')),
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intakes_cf ON intakes (person_cf);
