-- Issue 15: each CPI's opening hours and appointment capacity, loaded with the territory (`dialer territory apply`).
-- opening_hours: {"monday": ["09:00-12:30", "14:00-16:00"], ...} in Italian local time; {} = not loaded (appointments
-- are then not checked against hours). An appointment takes one slot of slot_minutes; slot_capacity appointments fit
-- in one slot before the console warns that it is full (docs/operators.md "Appointments").
ALTER TABLE cpi_offices
    ADD COLUMN opening_hours  jsonb   NOT NULL DEFAULT '{}',
    ADD COLUMN slot_minutes   integer NOT NULL DEFAULT 30 CHECK (slot_minutes BETWEEN 5 AND 240),
    ADD COLUMN slot_capacity  integer NOT NULL DEFAULT 4 CHECK (slot_capacity BETWEEN 1 AND 1000);
