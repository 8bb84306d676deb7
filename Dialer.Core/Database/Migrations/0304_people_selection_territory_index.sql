-- Campaigns are usually about one territory (a comune, a CPI's comuni) and often one sex (Cob23: women in the
-- Comune di Milano). Keyed by domicile and sex first, this covering partial index lets such a campaign read only
-- its own candidates, index-only; people_selectable (keyed by last_end_on) still serves the widest campaigns and
-- hands the first batch out in end-date order.
CREATE INDEX people_selectable_territory ON people (domicile_comune, sex, last_end_on)
    INCLUDE (cf, has_open_spell, last_start_on, birth_on, last_contract_type, last_cessation_cause, mobile_e164)
    WHERE mobile_e164 IS NOT NULL AND NOT has_open_spell AND successor_cf IS NULL;
