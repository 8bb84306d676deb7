-- Issue 12: a contact whose attempt was settled as not placed by reconciliation (nothing found at Twilio, or the
-- create was never sent) waits with its own reason, not 'telephony_paused' (telephony was not paused).
ALTER TABLE call_queue DROP CONSTRAINT call_queue_hold_reason_check;
ALTER TABLE call_queue ADD CONSTRAINT call_queue_hold_reason_check CHECK (hold_reason IN (
    'outside_calling_window', 'public_holiday', 'patron_saint_day', 'daily_cap_reached',
    'total_cap_reached', 'retry_delay_busy', 'retry_delay_no_answer', 'retry_delay_machine',
    'number_flagged', 'objection', 'abandoned_cool_off', 'callback_scheduled',
    'no_operator_available', 'telephony_paused', 'campaign_inactive', 'contact_expired',
    'skipped_by_operator', 'not_placed_reconciled'));
