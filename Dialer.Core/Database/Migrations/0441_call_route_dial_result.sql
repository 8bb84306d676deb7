-- How the dial to the operator ended (Twilio's DialCallStatus on the <Dial> action). Twilio requests the action before the
-- person's call can complete, so this is known when the final status arrives: "completed" or "answered" means an operator
-- took the call; anything else after the person answered is an abandoned (silent) call.
ALTER TABLE call_routes ADD COLUMN dial_status text NULL
    CHECK (dial_status IS NULL OR dial_status IN ('completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'));
