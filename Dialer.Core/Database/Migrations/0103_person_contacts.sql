-- Every phone number seen for a person, by source; people.mobile_e164 is the best Italian mobile among them
-- (lowest priority number first, then the most recently seen).
CREATE TABLE person_contacts (
    cf         text     NOT NULL,
    source     text     NOT NULL CHECK (source IN ('CPI', 'SAP', 'SIISL', 'CO')),
    phone_e164 text     NOT NULL,
    phone_kind text     NOT NULL CHECK (phone_kind IN ('mobile', 'landline', 'foreign')),
    priority   smallint NOT NULL,
    seen_on    date     NOT NULL,
    PRIMARY KEY (cf, source, phone_e164)
);
