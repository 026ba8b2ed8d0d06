-- 0001_met was edited after databases had been created with it (commit 6e03846): the upload moved
-- from the column lote.archivo into 1 MiB pieces in lote_archivo. A database created by the first
-- 0001 has 0001 recorded as applied, so it never got lote_archivo, and its lote.archivo NOT NULL
-- refuses every new upload. This brings such a database to the schema of today's 0001 (its stored
-- uploads split into pieces, as insertLote writes them) and does nothing to any other database.
-- (test/robustness/upgrade.test.ts, fixture test/fixtures/schema/0001.)

CREATE TABLE IF NOT EXISTS lote_archivo (
  lote_id bigint NOT NULL REFERENCES lote ON DELETE CASCADE,
  seq integer NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (lote_id, seq)
);

-- One line per statement inside the block: the migration runner splits files on a ';' ending a line.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'lote' AND column_name = 'archivo') THEN
    EXECUTE 'INSERT INTO lote_archivo (lote_id, seq, bytes) SELECT l.id, p.seq, substring(l.archivo FROM p.seq * 1048576 + 1 FOR 1048576) FROM lote l CROSS JOIN LATERAL generate_series(0, (length(l.archivo) - 1) / 1048576) AS p(seq) WHERE length(l.archivo) > 0 ON CONFLICT DO NOTHING'; EXECUTE 'ALTER TABLE lote DROP COLUMN archivo'; END IF; END
$$;
