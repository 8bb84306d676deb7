-- Issue 15: a pause asked while the operator is reserved, on a call or still owes a disposition (wrap-up, or the wrap-up
-- overrun pause) is kept here and applied when that call is over: a release, a call that never connected, or the
-- disposition moves the operator to paused with this reason instead of available (docs/operators.md "Pause after the call").
-- Asking to become available meanwhile clears it.
ALTER TABLE operator_presence
    ADD COLUMN pause_requested     text        NULL CHECK (pause_requested IN ('break', 'training', 'meeting', 'back_office', 'end_of_shift',
                                                                              'technical_issue')),
    ADD COLUMN pause_requested_at  timestamptz NULL,
    ADD CHECK ((pause_requested IS NULL) = (pause_requested_at IS NULL)),
    ADD CHECK (pause_requested IS NULL OR state IN ('reserved', 'on_call', 'wrap_up')
               OR (state = 'paused' AND pause_reason = 'wrap_up_overrun'));
