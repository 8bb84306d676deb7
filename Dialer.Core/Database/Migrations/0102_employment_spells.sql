-- One employment relationship per person, employer and start date, rebuilt for the people each import touches.
CREATE TABLE employment_spells (
    person_cf        text NOT NULL,
    employer_cf      text NOT NULL,
    start_on         date NOT NULL,
    employer_name    text,
    contract_type    text NOT NULL,
    occupation_code  text,
    -- false when only later notices (extension, cessation…) of a job hired before the data began are known
    hired            boolean NOT NULL,
    planned_end_on   date,
    extension_end_on date,
    permanent_on     date,
    cessation_on     date,
    cessation_cause  text,
    -- cessation date; else the last extension's end; else the planned end; null while open
    effective_end_on date,
    end_reason       text CHECK (end_reason IN ('cessation', 'term')),
    PRIMARY KEY (person_cf, employer_cf, start_on)
);
