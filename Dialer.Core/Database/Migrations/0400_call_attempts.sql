-- Dialing (issue 6). One row per dial attempt: what was dialed, for which campaign and person, by whom, how it
-- ended. Its id, as decimal text, is the attempt id that travels in Twilio's callback URLs (provider_calls.attempt_id,
-- call_routes.attempt_id). The row is written BEFORE the call is created, so that an ambiguous create can always be
-- reconciled and never re-sent.
CREATE TABLE call_attempts (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     bigint      NOT NULL REFERENCES campaigns (id),
    queue_id        bigint      NULL,                        -- the call_queue row it came from
    queue_lease     uuid        NULL,                        -- that row's lease token, held until the outcome is applied
    person_cf       text        NOT NULL,
    phone_e164      text        NOT NULL,
    mode            text        NOT NULL CHECK (mode IN ('preview', 'progressive')),
    operator_id     bigint      NULL,                        -- the operator reserved for it (operators, migration 0430)
    is_callback     boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    placed_at       timestamptz NULL,                        -- Twilio accepted the create (201)
    call_sid        text        NULL UNIQUE,
    -- preview: shown to the operator, not dialed yet; dialing: create about to be sent or sent, not yet confirmed;
    -- placed: Twilio has it; ended: the provider's final status is known; not_placed: definitely never created
    -- (4xx, nothing found by reconciliation, or a preview the operator skipped)
    state           text        NOT NULL DEFAULT 'dialing' CHECK (state IN ('preview', 'dialing', 'placed', 'ended', 'not_placed')),
    answered_at     timestamptz NULL,
    ended_at        timestamptz NULL,
    -- the provider outcome, once known
    outcome         text        NULL CHECK (outcome IN ('answered', 'busy', 'no_answer', 'machine', 'failed', 'canceled', 'not_placed', 'skipped')),
    -- the person answered but no operator took the call (they heard the apology): a silent/abandoned call
    abandoned       boolean     NOT NULL DEFAULT false,
    disposition     text        NULL,                        -- the operator's disposition code, once recorded
    skip_reason     text        NULL                         -- preview: why the operator chose not to call
);

-- Attempt caps count a person's attempts per day and in total across all campaigns; the cool-off looks for the
-- last abandoned call.
CREATE INDEX call_attempts_person ON call_attempts (person_cf, created_at);
-- Reconciliation and the dialing loop look for attempts whose create is unconfirmed.
CREATE INDEX call_attempts_unconfirmed ON call_attempts (created_at) WHERE state = 'dialing';

-- Numbers found not to work (failed, invalid, wrong number): never dialed again, by any campaign, until cleared.
CREATE TABLE flagged_numbers (
    phone_e164  text        PRIMARY KEY,
    reason      text        NOT NULL CHECK (reason IN ('failed', 'invalid_number', 'wrong_number', 'wrong_person')),
    attempt_id  bigint      NULL REFERENCES call_attempts (id),
    flagged_at  timestamptz NOT NULL
);
