-- Storing a lote's results was dominated by two columns of documento (bench/README.md):
--
-- checks: written once per document and only ever read back whole, never queried inside. As jsonb,
-- PostgreSQL parsed and rebuilt every document's check list (about 2.3 kB a título, 10 kB a DEC);
-- json keeps the text as sent, still validated as JSON. Readers see the same parsed value.
ALTER TABLE documento ALTER COLUMN checks TYPE json USING checks::json;

-- xml: a copy of every file of the upload, which lote_archivo already holds. New rows say where the
-- file lies in the upload instead (its data: upload_size bytes from upload_offset, stored or
-- deflated as in the zip); rows written before keep their copy.
ALTER TABLE documento ADD COLUMN upload_offset integer;
ALTER TABLE documento ADD COLUMN upload_size integer;
ALTER TABLE documento ADD COLUMN upload_method smallint CHECK (upload_method IN (0, 8));

-- mec_certificado.xml: the sealed certificate, the uploaded file again plus two nodes. New rows keep
-- only what sealing added (Dreoe and SepIpes as written, and the byte offset of the root's end tag
-- where they go); the sealed document is the uploaded file with them inserted. Rows written before
-- keep their document.
ALTER TABLE mec_certificado ALTER COLUMN xml DROP NOT NULL;
ALTER TABLE mec_certificado ADD COLUMN seal text;
ALTER TABLE mec_certificado ADD COLUMN seal_at integer;
ALTER TABLE mec_certificado ADD CONSTRAINT mec_certificado_document CHECK (xml IS NOT NULL OR (seal IS NOT NULL AND seal_at IS NOT NULL));

-- lote_archivo.bytes holds zips (already compressed): trying to compress each 1 MiB piece again
-- cost PostgreSQL a third of the time it takes to store an upload, for nothing.
ALTER TABLE lote_archivo ALTER COLUMN bytes SET STORAGE EXTERNAL;
