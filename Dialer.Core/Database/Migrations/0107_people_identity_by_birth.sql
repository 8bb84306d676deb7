-- The provisional-code links look people up by surname, name and birth date, all three by equality, so the order of
-- the key columns is free. The birth date first: most comparisons are then decided by a date instead of two strings
-- in the database's collation (strcoll), and building the index after a first load of 489,617 people takes 0.55
-- instead of 1.3 s (same rows, random order).
DROP INDEX people_identity;
CREATE INDEX people_identity ON people (birth_on, surname, name);
