-- Where an answered call goes: the operator reserved for the attempt (TODO(issue 6): the operator roster
-- writes this when it reserves someone) and what the Italian "cannot connect" message names.
CREATE TABLE call_routes (
    attempt_id       text        PRIMARY KEY,
    -- client:<identity> (Twilio allows 256 characters; PostgreSQL regexes count to 255 at most) or E.164
    operator_target  text        CHECK (operator_target IS NULL OR (operator_target ~ '^(client:[A-Za-z0-9_.@-]+|\+[1-9][0-9]{6,14})$'
                                                                     AND char_length(operator_target) <= 263)),
    job_centre_name  text        NOT NULL,
    callback_number  text        NOT NULL CHECK (callback_number ~ '^\+[1-9][0-9]{6,14}$'),
    created_at       timestamptz NOT NULL DEFAULT now()
);
