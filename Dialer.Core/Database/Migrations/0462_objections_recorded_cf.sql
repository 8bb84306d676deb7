-- Issue 12: an objection recorded under a provisional codice fiscale is re-keyed to the definitive code it is linked to
-- (ProvisionalSuccession, run by every import), so objections.person_cf always names the person; the code it was
-- recorded under is kept here (NULL: recorded under person_cf itself).
ALTER TABLE objections ADD COLUMN recorded_cf text NULL;
