-- Issue 15: the audit log (docs/audit.md). Who did what, when, and whose personal data they saw or changed: sign-ins,
-- views of a person's data, changes to campaigns, users, objections and dispositions. person_cf is personal data; it is
-- kept here and nowhere else (never in the application's logs).
CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    -- a username, 'system' (the scheduler's jobs) or 'token:<name>' (a personal API token)
    actor       text        NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    actor_role  text        NULL,
    action      text        NOT NULL CHECK (action ~ '^[a-z][a-z_]{1,62}$'),
    person_cf   text        NULL CHECK (length(person_cf) BETWEEN 1 AND 32),
    subject     text        NULL CHECK (length(subject) <= 500),
    detail      jsonb       NULL,
    client_ip   text        NULL CHECK (length(client_ip) <= 64)
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_person_cf_at ON audit_log (person_cf, at) WHERE person_cf IS NOT NULL;

-- Append-only, even against the application: UPDATE and TRUNCATE are always refused, DELETE unless the transaction-local
-- setting dialer.audit_purge is 'on', which purge_audit_log() sets for its own DELETE only. Statement-level triggers, so
-- that the retention purge pays one check, not one per row.
--
-- Limits (docs/audit.md, "Append-only: the guarantee and its limits"): the setting is not a secret, and the table's owner
-- or a PostgreSQL superuser can set it, disable the triggers (ALTER TABLE ... DISABLE TRIGGER, session_replication_role)
-- or drop the table. The triggers stop accidents and bugs in code running as the owner; the guarantee against the
-- application itself comes from running it under a role that does not own this table and holds only INSERT and SELECT
-- on it (the GRANTs are in docs/audit.md).
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('dialer.audit_purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Rows older than the retention period are removed only by purge_audit_log(before).';
END
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The retention purge: deletes the rows older than the cutoff and returns how many. SECURITY DEFINER, so a role that may
-- not DELETE from audit_log can still purge through it; it refuses a cutoff less than 29 days ago (a day's slack, for
-- clocks that disagree, under the shortest retention Audit:RetentionDays accepts: 30), so that role can never delete a
-- recent row. The SET clause on dialer.audit_purge restores
-- 'off' when the function returns: the caller's transaction cannot DELETE afterwards.
CREATE FUNCTION purge_audit_log(before timestamptz) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
SET dialer.audit_purge = 'off'
AS $$
DECLARE
    purged bigint;
BEGIN
    IF before IS NULL OR before > now() - interval '29 days' THEN
        RAISE EXCEPTION 'purge_audit_log: the cutoff % is less than 29 days ago; audit rows are kept at least that long', before
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM set_config('dialer.audit_purge', 'on', true);
    DELETE FROM audit_log WHERE at < before;
    GET DIAGNOSTICS purged = ROW_COUNT;
    PERFORM set_config('dialer.audit_purge', 'off', true);
    RETURN purged;
END
$$;

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION purge_audit_log(timestamptz) FROM PUBLIC;
