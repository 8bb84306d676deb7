-- Every comunicazione obbligatoria ever received, including corrections (03) and cancellations (04), keyed by its
-- codice comunicazione so that re-importing a file changes nothing. Personal data of the CO stays in this table
-- and in people.
CREATE TABLE notices (
    code                text        PRIMARY KEY,
    previous_code       text,
    -- The original notice of the chain this one belongs to (itself for anything but 03/04).
    root_code           text        NOT NULL,
    comm_type           text        NOT NULL CHECK (comm_type ~ '^0[1-9]$'),
    event               text        NOT NULL CHECK (event IN ('ASS', 'PRO', 'TRS', 'CES')),
    sent_at             timestamptz,
    worker_cf           text        NOT NULL,
    surname             text,
    name                text,
    sex                 char(1),
    birth_on            date,
    birth_place         text,
    domicile_comune     text,
    employer_cf         text        NOT NULL,
    employer_name       text,
    workplace_comune    text,
    start_on            date        NOT NULL,
    planned_end_on      date,
    extension_end_on    date,
    transformation_on   date,
    transformation_code text,
    cessation_on        date,
    cessation_cause     text,
    contract_type       text        NOT NULL,
    permanent           boolean     NOT NULL,
    occupation_code     text,
    phone_e164          text,
    phone_kind          text        CHECK (phone_kind IN ('mobile', 'landline', 'foreign')),
    email               text,
    imported_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notices_worker_cf ON notices (worker_cf);
-- Only corrections and cancellations: a few percent of the rows, looked up by the chain they belong to.
CREATE INDEX notices_revisions_by_root ON notices (root_code) WHERE code <> root_code;

-- For each chain that has corrections or cancellations: which version counts. Chains without any are not here,
-- and their one notice counts as it is.
CREATE TABLE notice_revisions (
    root_code   text    PRIMARY KEY,
    chosen_code text,
    cancelled   boolean NOT NULL,
    -- false while a correction waits for the notice it corrects
    has_root    boolean NOT NULL
);

-- The notices that count: the original unless corrected (latest correction wins), nothing when cancelled, and
-- nothing while only a correction or cancellation has arrived.
CREATE VIEW effective_notices AS
SELECT n.*
FROM   notices n
LEFT   JOIN notice_revisions r ON r.root_code = n.root_code
WHERE  (r.root_code IS NULL AND n.code = n.root_code)
   OR  (r.has_root AND NOT r.cancelled AND n.code = r.chosen_code);
