-- The Twilio account's calls-per-second budget, shared by every worker replica: each create first takes the
-- next free slot here (one UPDATE, on PostgreSQL's clock), so that N replicas together never exceed the CPS.
CREATE TABLE telephony_cps_slots (
    account      text        PRIMARY KEY,
    next_slot_at timestamptz NOT NULL
) WITH (fillfactor = 50);   -- one hot row, updated in place (HOT): nothing in it is indexed but the key
