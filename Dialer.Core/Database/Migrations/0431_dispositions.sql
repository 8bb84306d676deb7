-- Dialing (issue 6): what the operator (or, for provider outcomes, the system) recorded about an attempt.
-- One disposition per attempt, ever: the primary key refuses a second one. details keeps the request as validated
-- (reason, appointment, call-back) so that an identical repeat can be recognised and answered idempotently.
CREATE TABLE call_dispositions (
    attempt_id   bigint      PRIMARY KEY REFERENCES call_attempts (id),
    code         text        NOT NULL CHECK (code IN ('intake_accepted', 'refused', 'already_employed', 'wrong_person',
                                                      'wrong_number', 'call_back', 'do_not_call',
                                                      'no_answer', 'busy', 'machine', 'failed')),
    operator_id  bigint      NULL REFERENCES operators (id),       -- null for the system dispositions
    anpal_code   text        NULL,                                 -- e.g. RIFIUTO (DEC_MOTIVO_RIFIUTO_PATTO), 04 (DEC_MODALITA_CONVOCAZIONE)
    details      jsonb       NOT NULL DEFAULT '{}',
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX call_dispositions_recorded ON call_dispositions (recorded_at);

-- Appointments booked by an accepted intake (docs/domain.md §6.2). contact_mode is DEC_MODALITA_CONVOCAZIONE
-- (04 TELEFONO), reason is DEC_MOTIVO_CONVOCAZIONE (ACC first reception interview, ORI orientation), attendance is
-- DEC_ESITO_CONVOCAZIONE, filled in later by the CPI (P present, AG justified absence, AI unjustified, AN cancelled).
CREATE TABLE appointments (
    id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_id            bigint      NOT NULL UNIQUE REFERENCES call_attempts (id),
    intake_id             bigint      NOT NULL REFERENCES intakes (id),
    person_cf             text        NOT NULL,
    cpi_code              text        NOT NULL REFERENCES cpi_offices (code),
    starts_at             timestamptz NOT NULL,
    channel               text        NOT NULL CHECK (channel IN ('in_person', 'video')),
    contact_mode          text        NOT NULL DEFAULT '04' CHECK (contact_mode = '04'),
    reason                text        NOT NULL CHECK (reason IN ('ACC', 'ORI')),
    reminder_consent      boolean     NOT NULL,
    privacy_notice_given  boolean     NOT NULL,
    operator_id           bigint      NOT NULL REFERENCES operators (id),
    attendance            text        NULL CHECK (attendance IN ('P', 'AG', 'AI', 'AN')),
    booked_at             timestamptz NOT NULL
);
CREATE INDEX appointments_cpi_starts ON appointments (cpi_code, starts_at);
CREATE INDEX appointments_cf ON appointments (person_cf);

-- Call-backs the person asked for, at the time they chose: personal (operator_id set: that operator calls back)
-- or team (operator_id null). The dialing engine queues them when due, still under the contact policy.
CREATE TABLE callbacks (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_id   bigint      NOT NULL UNIQUE REFERENCES call_attempts (id),
    campaign_id  bigint      NOT NULL REFERENCES campaigns (id),
    person_cf    text        NOT NULL,
    phone_e164   text        NOT NULL,
    due_at       timestamptz NOT NULL,
    operator_id  bigint      NULL REFERENCES operators (id),
    state        text        NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'queued', 'done', 'canceled')),
    created_at   timestamptz NOT NULL
);
CREATE INDEX callbacks_due ON callbacks (due_at) WHERE state = 'scheduled';
