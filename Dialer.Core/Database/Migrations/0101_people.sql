-- One row per codice fiscale, with what the nightly selection filters on kept up to date by every import,
-- so that selection never reads notices.
CREATE TABLE people (
    cf                   text        PRIMARY KEY,
    provisional          boolean     NOT NULL,
    -- A provisional 11-digit code linked to the 16-character code of the same person: its notices count there.
    successor_cf         text,
    sex                  char(1),
    birth_on             date,
    birth_place          text,
    surname              text,
    name                 text,
    domicile_comune      text,
    mobile_e164          text,
    mobile_source        text,
    last_start_on        date,
    last_end_on          date,
    has_open_spell       boolean     NOT NULL DEFAULT false,
    last_contract_type   text,
    last_cessation_cause text,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX people_identity ON people (surname, name, birth_on);
CREATE INDEX people_successor ON people (successor_cf) WHERE successor_cf IS NOT NULL;
-- The nightly selection's shape: ended long enough ago, nothing open, reachable on a mobile.
CREATE INDEX people_selectable ON people (last_end_on)
    WHERE mobile_e164 IS NOT NULL AND NOT has_open_spell AND successor_cf IS NULL;
