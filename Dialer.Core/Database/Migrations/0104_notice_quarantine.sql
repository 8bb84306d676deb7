-- Records that could not be imported, with where they came from and why. The same record from the same
-- file position is kept once, so re-importing a file adds nothing.
CREATE TABLE notice_quarantine (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name   text        NOT NULL,
    position    bigint      NOT NULL,
    reason      text        NOT NULL,
    message     text        NOT NULL,
    raw         text        NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX notice_quarantine_once ON notice_quarantine (file_name, position, md5(raw));
