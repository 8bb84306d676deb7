-- Issue 16: the supervisor's wallboard reads today's attempts (Europe/Rome day) every few seconds: answer and abandon
-- rates, calls ringing and connected, calls per second (docs/supervision.md). created_at is set when the attempt is
-- written and moved only when its create is sent (and when a preview is called); the later updates (placed, answered,
-- ended, disposition) do not touch it, so this index does not stop them from being HOT.
CREATE INDEX call_attempts_created ON call_attempts (created_at);
