-- The selection's fast path (count of the eligible and the first batch) reads every candidate: with all the
-- columns its rules test included in the partial index, that read is an index-only scan (docs/performance-targets.md §3
-- measured 47–54 ms for 281k eligible this way) instead of a heap visit per candidate.
DROP INDEX people_selectable;
CREATE INDEX people_selectable ON people (last_end_on)
    INCLUDE (cf, has_open_spell, last_start_on, domicile_comune, sex, birth_on, last_contract_type, last_cessation_cause, mobile_e164)
    WHERE mobile_e164 IS NOT NULL AND NOT has_open_spell AND successor_cf IS NULL;
