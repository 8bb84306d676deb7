-- One row per campaign and day: the primary key makes a second nightly run for the same day a no-op,
-- whichever worker runs it. The cascade (people per first failing rule, in rule order) is kept as the
-- report supervisors read back.
CREATE TABLE selection_runs (
    campaign_id  bigint      NOT NULL REFERENCES campaigns (id),
    run_on       date        NOT NULL,
    as_of        date        NOT NULL,
    considered   integer     NOT NULL,
    selected     integer     NOT NULL,
    cascade      jsonb       NOT NULL,
    trigger      text        NOT NULL CHECK (trigger IN ('schedule', 'catch_up', 'manual')),
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, run_on)
);

-- A campaign's contact list: who the dialer may call for it, in priority order, until expiry.
-- One entry per person and campaign, ever: a person already listed is not added again.
CREATE TABLE contact_list_entries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     bigint      NOT NULL REFERENCES campaigns (id),
    person_cf       text        NOT NULL,
    selected_on     date        NOT NULL,
    priority        integer     NOT NULL,
    expires_on      date        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'in_progress', 'completed', 'expired', 'withdrawn')),
    last_contacted_at timestamptz NULL,
    UNIQUE (campaign_id, person_cf)
);
-- "Is this person on another campaign's live list?" and "contacted within the cool-off?" are asked per person.
CREATE INDEX contact_list_entries_cf ON contact_list_entries (person_cf);
CREATE INDEX contact_list_entries_pending ON contact_list_entries (campaign_id, priority) WHERE state = 'pending';
