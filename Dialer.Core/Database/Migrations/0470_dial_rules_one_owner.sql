-- Issue 13: each dial rule has one owner (docs/dialing-safety.md, "Who decides a dial"). The contact policy decides
-- every dial on facts read from the attempts themselves (ContactHistory); the claim no longer keeps counters of its own,
-- which could disagree with the attempts (a completion rejected for a stale lease counted in one and not the other).
DROP TABLE person_dial_counters;

-- Who has objected, as of a day: the one definition of "an objection binds" that every reader uses (the nightly
-- selection and the dial-time facts). An objection binds from the day it was made until it is withdrawn; a reader
-- matches it by codice fiscale and by number. A plain SQL function, so the planner inlines it into each query.
CREATE FUNCTION objections_binding_on(on_day date)
RETURNS TABLE (person_cf text, phone_e164 text)
LANGUAGE sql STABLE
AS $$
    SELECT o.person_cf, o.phone_e164
    FROM   objections o
    WHERE  o.withdrawn_on IS NULL AND o.objected_on <= on_day
$$;
