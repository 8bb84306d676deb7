-- Campaigns: what a supervisor defines with `dialer campaign apply FILE` or PUT /api/campaigns/{slug}.
-- The whole JSON document is kept (definition) beside the columns queries need, so that what was
-- applied can always be shown back exactly.
CREATE TABLE campaigns (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text        NOT NULL,
    active      boolean     NOT NULL,
    caller_id   text        NOT NULL,
    definition  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Centri per l'Impiego and the comuni (Belfiore codes) each serves, loaded by IT from Sintesi
-- (`dialer territory apply FILE`): a campaign's territory may name a CPI instead of listing comuni.
CREATE TABLE cpi_offices (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]+$'),
    name        text NOT NULL,
    address     text NOT NULL DEFAULT '',
    phone       text NOT NULL DEFAULT ''
);

CREATE TABLE cpi_comuni (
    cpi_code     text NOT NULL REFERENCES cpi_offices (code) ON DELETE CASCADE,
    comune_code  text NOT NULL CHECK (comune_code ~ '^[A-Z][0-9]{3}$'),
    PRIMARY KEY (cpi_code, comune_code)
);
