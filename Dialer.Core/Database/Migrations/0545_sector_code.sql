-- The employer's sector (ATECO code, e.g. 56.10.11: UniLav DatoreLavoro/Settore, the CSV column ateco), so that a
-- placement can record the sector as well as the occupation of a job. Nullable: older notices and files without the
-- column have none. Stored normalised (dotted, digits only: NN, NN.N, NN.NN, NN.NN.N or NN.NN.NN); a malformed code is
-- dropped with a warning (docs/notices-input.md). A spell's sector is that of the notice its occupation comes from:
-- the (latest) hiring, else the latest notice (docs/notices.md).
ALTER TABLE notices ADD COLUMN sector_code text;
ALTER TABLE employment_spells ADD COLUMN sector_code text;

-- effective_notices (0450) is "SELECT n.*", expanded when the view was made: made again so that it has the new
-- column too (appended after the existing ones, which CREATE OR REPLACE allows).
CREATE OR REPLACE VIEW effective_notices AS
SELECT n.*
FROM   notices n
LEFT   JOIN notice_revisions r ON r.root_code = n.root_code
WHERE  CASE WHEN r.root_code IS NULL THEN n.is_original
            ELSE r.has_root AND NOT r.cancelled AND n.code = r.chosen_code END;
