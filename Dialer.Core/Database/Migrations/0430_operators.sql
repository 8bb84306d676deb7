-- Dialing (issue 6): operators, their presence and its history.
-- An operator is a Twilio Client identity (the browser softphone) with a display name, the CPI they work for and,
-- optionally, a phone to ring instead of the browser.
CREATE TABLE operators (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identity      text        NOT NULL UNIQUE CHECK (identity ~ '^[A-Za-z0-9_.@-]{1,121}$'),
    display_name  text        NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    cpi_code      text        NULL CHECK (cpi_code ~ '^[A-Z0-9_]+$'),
    phone_e164    text        NULL CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- The campaigns an operator may take calls for; an operator with no rows here takes calls for every campaign.
CREATE TABLE operator_campaigns (
    operator_id  bigint NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    PRIMARY KEY (operator_id, campaign_id)
);

-- Where each operator is now: one row per operator, updated in place on every move (small, HOT-friendly: the only
-- index is the primary key and the partial one below, whose columns change only with the state).
-- attempt_id is the attempt the operator is reserved for, on, or still owes a disposition for (in wrap_up, or paused
-- with reason wrap_up_overrun). since is when the current state began: for 'available', how long they have been idle.
CREATE TABLE operator_presence (
    operator_id       bigint      PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
    state             text        NOT NULL CHECK (state IN ('signed_out', 'available', 'reserved', 'on_call', 'wrap_up', 'paused')),
    pause_reason      text        NULL CHECK (pause_reason IN ('break', 'training', 'meeting', 'back_office', 'end_of_shift',
                                                               'technical_issue', 'wrap_up_overrun')),
    since             timestamptz NOT NULL,
    attempt_id        bigint      NULL REFERENCES call_attempts (id),
    wrap_up_deadline  timestamptz NULL,
    CHECK ((state = 'paused') = (pause_reason IS NOT NULL)),
    CHECK (state NOT IN ('reserved', 'on_call', 'wrap_up') OR attempt_id IS NOT NULL),
    CHECK ((state = 'wrap_up') = (wrap_up_deadline IS NOT NULL))
);
-- TryReserve: the available operator idle the longest.
CREATE INDEX operator_presence_available ON operator_presence (since) WHERE state = 'available';
-- The wrap-up limit sweep.
CREATE INDEX operator_presence_wrap_up ON operator_presence (wrap_up_deadline) WHERE state = 'wrap_up';

-- Append-only: one row per move, with the state entered and when. A state lasts until the operator's next row,
-- so reports (time available, on call, in wrap-up, paused per reason) are window functions over this table.
CREATE TABLE operator_presence_history (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operator_id   bigint      NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    state         text        NOT NULL,
    pause_reason  text        NULL,
    attempt_id    bigint      NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX operator_presence_history_operator ON operator_presence_history (operator_id, at);
CREATE INDEX operator_presence_history_at ON operator_presence_history (at);
