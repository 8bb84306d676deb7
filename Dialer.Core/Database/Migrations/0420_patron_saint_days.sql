-- Dialing (issue 6), contact policy: the patron saint's day of each comune, a local holiday on which nobody domiciled
-- there is rung (docs/domain.md §4.5). Keyed by Belfiore code; every year on the same month and day. IT loads or
-- corrects the rest with `dialer calendar patron-days apply FILE` (CSV: comune_code;month;day;name).
CREATE TABLE patron_saint_days (
    comune_code text        PRIMARY KEY CHECK (comune_code ~ '^[A-Z][0-9]{3}$'),
    month       smallint    NOT NULL CHECK (month BETWEEN 1 AND 12),
    day         smallint    NOT NULL CHECK (day BETWEEN 1 AND 31),
    name        text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Seed: only comuni of the Città metropolitana di Milano whose day (and Belfiore code) was checked in a public source.
--   F205 Milano, Sant'Ambrogio, 7 December: docs/domain.md §4.5 (it.wikipedia "Festività in Italia").
--   I690 Sesto San Giovanni, San Giovanni Battista, 24 June: it.wikipedia "Sesto San Giovanni" infobox (Cod. catastale
--        I690, Giorno festivo 24 giugno), mirrored at https://wap.bdmobi.com/view_html.php?lang=it&q=Sesto_San_Giovanni;
--        https://www.nordmilano24.it/2014/06/24/cardinale-festeggiato-vigilia-san-giovanni-sesto/ ("si festeggia oggi 24 giugno").
--   C707 Cinisello Balsamo, Sant'Ambrogio, 7 December: it.wikipedia infobox (Cod. catastale C707, 7 dicembre), mirrored at
--        https://pt.wikiital.com/wiki/Cinisello_Balsamo.
--   E514 Legnano, San Magno, 5 November: https://es.wikipedia.org/wiki/legnano (Código catastral E514, 5 de noviembre);
--        https://pt.wikiital.com/wiki/Legnano (E514, 5 de novembro).
--   H264 Rho, San Vittore, 8 May: it.wikipedia "Rho" infobox (Cod. catastale H264, Giorno festivo 8 maggio).
-- Comuni seen but NOT seeded, because the sources disagree or the civic day moved (Il Giorno, April 2023): Assago
-- (San Desiderio, civic day moved to 7 December), Basiglio, Locate, Pieve Emanuele, Cesano Boscone.
INSERT INTO patron_saint_days (comune_code, month, day, name) VALUES
    ('F205', 12, 7, 'Sant''Ambrogio'),
    ('I690', 6, 24, 'San Giovanni Battista'),
    ('C707', 12, 7, 'Sant''Ambrogio'),
    ('E514', 11, 5, 'San Magno'),
    ('H264', 5, 8, 'San Vittore');
