-- The scheduler is Hangfire now (docs/scheduling.md): its schema "hangfire" is installed by the package's own
-- installer after these migrations, in the same `dialer migrate`. Quartz's job store goes; 0001 stays as history,
-- because the migrator refuses a database whose journal names a version this build does not have.
DROP TABLE qrtz_fired_triggers;
DROP TABLE qrtz_paused_trigger_grps;
DROP TABLE qrtz_paused_job_grps;
DROP TABLE qrtz_scheduler_state;
DROP TABLE qrtz_locks;
DROP TABLE qrtz_simple_triggers;
DROP TABLE qrtz_simprop_triggers;
DROP TABLE qrtz_cron_triggers;
DROP TABLE qrtz_blob_triggers;
DROP TABLE qrtz_triggers;
DROP TABLE qrtz_job_details;
DROP TABLE qrtz_calendars;
DROP TABLE qrtz_execution_history;
DROP TABLE qrtz_job_status;
DROP TABLE qrtz_misfire_history;
