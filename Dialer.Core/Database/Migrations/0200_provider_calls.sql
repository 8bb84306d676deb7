-- What Twilio tells us about each call (status callbacks, async AMD), keyed by Twilio's CallSid.
-- provider_call_events keeps every callback once (redeliveries are ignored by its unique key);
-- provider_calls keeps the latest state, which only moves forward (a final status never regresses).
-- Personal data stays out: To/From/Caller/Called and the geographic fields are not stored in payload.

CREATE TABLE provider_calls (
    call_sid          text        PRIMARY KEY,
    attempt_id        text,                                  -- ours, from the callback URL's ?attempt=
    parent_call_sid   text,                                  -- set on the operator leg of a <Dial>
    status            text        NOT NULL CHECK (status IN ('queued', 'initiated', 'ringing', 'in-progress',
                                                             'completed', 'busy', 'no-answer', 'failed', 'canceled')),
    status_rank       smallint    NOT NULL,                  -- 0 queued … 3 in-progress, 4 terminal
    sequence_number   integer     NOT NULL,                  -- Twilio's SequenceNumber of the status applied
    is_final          boolean     NOT NULL,
    answered_by       text,                                  -- AMD verdict: human, machine_start, …
    duration_seconds  integer,
    sip_response_code integer,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE INDEX provider_calls_attempt_id ON provider_calls (attempt_id) WHERE attempt_id IS NOT NULL;

CREATE TABLE provider_call_events (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_sid        text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('status', 'amd')),
    sequence_number integer     NOT NULL,                    -- 0 for the single AMD result of a call
    status          text,
    payload         jsonb       NOT NULL,
    received_at     timestamptz NOT NULL,
    CONSTRAINT provider_call_events_once UNIQUE (call_sid, kind, sequence_number)
);
