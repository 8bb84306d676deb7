-- Issue 12 (docs/dialing-safety.md): whether an attempt's create may have reached Twilio. Set by the placer, in the
-- same conditional UPDATE that checks the attempt still holds its contact's queue lease, just before the create.
-- An attempt still 'dialing' with no sent_at was never sent (its worker stopped between the claim and the create):
-- the sweep settles it as not placed without listing Twilio's calls, because any call listed to that number may be
-- the one another worker has placed since to the same person.
ALTER TABLE call_attempts ADD COLUMN sent_at timestamptz NULL;

-- Attempts unconfirmed when this runs may have been sent: they stay reconciled by listing, as before.
UPDATE call_attempts SET sent_at = created_at WHERE state = 'dialing';
