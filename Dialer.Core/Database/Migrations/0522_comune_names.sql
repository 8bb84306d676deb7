-- Operator console (issue 15): a comune is shown by its name, not its Belfiore code. Names come with the territory
-- file (`dialer territory apply`, each CPI's "comuneNames"); a comune without a name is still shown by its code.
CREATE TABLE comuni (
    code  text PRIMARY KEY CHECK (code ~ '^[A-Z][0-9]{3}$'),
    name  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
);
