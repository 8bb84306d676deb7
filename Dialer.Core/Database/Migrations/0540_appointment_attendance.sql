-- Issue 16, attended appointments (docs/appointments.md): who recorded an appointment's attendance
-- (DEC_ESITO_CONVOCAZIONE: P present, AG justified absence, AI unjustified absence, AN cancelled), when, and through
-- what: the supervisor's page, the API, or a CSV import from the CPI's own system. The three columns are set together
-- with attendance and only with it; a change overwrites them (the earlier value stays in the audit log). Nothing wrote
-- attendance before this migration, so no row lacks them.
ALTER TABLE appointments
    ADD COLUMN attendance_recorded_at timestamptz NULL,
    ADD COLUMN attendance_source      text        NULL CHECK (attendance_source IN ('page', 'api', 'import')),
    ADD COLUMN attendance_recorded_by text        NULL CHECK (length(btrim(attendance_recorded_by)) BETWEEN 1 AND 200),
    ADD CONSTRAINT appointments_attendance_recorded CHECK (
        (attendance IS NULL AND attendance_recorded_at IS NULL AND attendance_source IS NULL AND attendance_recorded_by IS NULL)
        OR (attendance IS NOT NULL AND attendance_recorded_at IS NOT NULL AND attendance_source IS NOT NULL AND attendance_recorded_by IS NOT NULL));
