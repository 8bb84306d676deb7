-- Sign-in (issue 15): the language each person reads the pages in, Italian unless they choose English.
ALTER TABLE user_accounts ADD COLUMN language text NOT NULL DEFAULT 'it' CHECK (language IN ('it', 'en'));
