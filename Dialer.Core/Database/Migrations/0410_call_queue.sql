-- Dialing (issue 6): the call queue. One row per (campaign, person) to be dialed, claimed with FOR UPDATE SKIP LOCKED
-- and a lease. Designed so that a whole shift of claims and completions updates call_queue in place (HOT): no column
-- a claim or a completion changes is in any index of call_queue. Which rows can be claimed, and in what order, lives
-- in two narrow side tables instead (docs/performance-targets.md §1.3, design B):
--   call_queue_ready   rows due now, plus the leased ones (due again when their lease expires, so a crashed
--                      worker's claims come back with no sweeper);
--   call_queue_delayed rows waiting for a retry time or held until a time; claimers move those that have come due
--                      into call_queue_ready.
-- Every row that is not done is in exactly one of the two. The side tables carry no foreign key to call_queue on
-- purpose: each insert would lock the call_queue row (FOR KEY SHARE) on the hot path; CallQueue keeps them in step.
CREATE TABLE call_queue (
    id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id           bigint      NOT NULL REFERENCES campaigns (id),
    person_cf             text        NOT NULL,
    phone_e164            text        NOT NULL,
    comune_code           text        NULL,                  -- people.domicile_comune: the patron-day guard
    priority              integer     NOT NULL,              -- 1 is dialed first (contact_list_entries.priority)
    contact_list_entry_id bigint      NULL REFERENCES contact_list_entries (id),
    enqueued_at           timestamptz NOT NULL,
    -- What changes during a shift: in no index.
    -- queued: waiting in call_queue_ready or call_queue_delayed; leased: claimed by lease_owner until
    -- lease_expires_at; done: finished for finished_reason, in neither side table.
    state                 text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done')),
    due_at                timestamptz NOT NULL,              -- when it may next be claimed (as last scheduled)
    attempts              integer     NOT NULL DEFAULT 0,    -- real dials of this row so far
    -- Why it is not dialable before not_before (shared vocabulary of reasons not to dial).
    hold_reason           text        NULL CHECK (hold_reason IN (
                              'outside_calling_window', 'public_holiday', 'patron_saint_day', 'daily_cap_reached',
                              'total_cap_reached', 'retry_delay_busy', 'retry_delay_no_answer', 'retry_delay_machine',
                              'number_flagged', 'objection', 'abandoned_cool_off', 'callback_scheduled',
                              'no_operator_available', 'telephony_paused', 'campaign_inactive', 'contact_expired',
                              'skipped_by_operator')),
    not_before            timestamptz NULL,
    last_outcome          text        NULL,                  -- call_attempts.outcome of the last dial
    finished_reason       text        NULL,                  -- disposition code or reason, once done
    lease_owner           text        NULL,
    lease_expires_at      timestamptz NULL,
    lease_token           uuid        NULL,
    updated_at            timestamptz NOT NULL
) WITH (fillfactor = 80);                                    -- room on each page for the in-place versions of a shift

-- Never updated: these indexes do not stop HOT updates.
CREATE UNIQUE INDEX call_queue_campaign_person ON call_queue (campaign_id, person_cf);
-- The claim's "not leased by another campaign right now" check is asked per person.
CREATE INDEX call_queue_person ON call_queue (person_cf);

-- Rows due now and leased rows, in claim order. Small and churned: autovacuum keeps it tight.
CREATE TABLE call_queue_ready (
    queue_id     bigint      PRIMARY KEY,                    -- call_queue.id
    campaign_id  bigint      NOT NULL,
    priority     integer     NOT NULL,
    due_at       timestamptz NOT NULL                        -- for a leased row: its lease expiry
);
CREATE INDEX call_queue_ready_claim ON call_queue_ready (campaign_id, priority, due_at, queue_id);

-- Rows whose time has not come (retry delays, holds, future enqueues), in due order.
CREATE TABLE call_queue_delayed (
    queue_id     bigint      PRIMARY KEY,                    -- call_queue.id
    campaign_id  bigint      NOT NULL,
    priority     integer     NOT NULL,
    due_at       timestamptz NOT NULL
);
CREATE INDEX call_queue_delayed_due ON call_queue_delayed (campaign_id, due_at);

-- Per person, across ALL campaigns: what the claim's caps and cool-off read. Written in the same transaction as the
-- completion that followed a real dial. attempts_today counts the Europe/Rome day today_on only.
CREATE TABLE person_dial_counters (
    person_cf          text        PRIMARY KEY,
    today_on           date        NOT NULL,
    attempts_today     integer     NOT NULL,
    attempts_total     integer     NOT NULL,
    last_dialed_at     timestamptz NOT NULL,
    last_abandoned_at  timestamptz NULL
) WITH (fillfactor = 80);

-- The claim checks objections by number as well as by person (objections_active_cf covers the person).
CREATE INDEX objections_active_phone ON objections (phone_e164) WHERE withdrawn_on IS NULL AND phone_e164 IS NOT NULL;
