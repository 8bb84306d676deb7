-- Notices imported with a defect in a secondary field (one that selection, linking and placement do not depend on,
-- docs/notices-input.md): the notice is stored, the field dropped or kept as the message says, and the defect listed
-- here for IT beside the quarantine. The same warning from the same file position is kept once, so re-importing a
-- file adds nothing.
CREATE TABLE notice_warnings (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name   text        NOT NULL,
    position    bigint      NOT NULL,
    notice_code text        NOT NULL,
    field       text        NOT NULL,
    reason      text        NOT NULL,
    message     text        NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX notice_warnings_once ON notice_warnings (file_name, position, notice_code, field);
