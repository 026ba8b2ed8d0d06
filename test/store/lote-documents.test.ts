/**
 * Reading a lote's documents back: each file from its range of the stored upload (migration 0005),
 * and the `problems` selection of checks, which the database makes from the stored text.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { DEFAULT_INTAKE_LIMITS } from '../../src/intake/limits.js';
import { unpackUpload } from '../../src/intake/package.js';
import { DOCUMENT_COLUMNS, insertDocumentos, insertLote, listDocumentos, withDocuments } from '../../src/store/repositories/lotes.js';
import { upsertInstitution } from '../../src/store/repositories/registry.js';
import { freshStore } from '../support/database.js';
import { honestZip } from '../intake/zip-builders.js';

const store = await freshStore();
t.teardown(() => store.close());
const { db } = store;
await upsertInstitution(db, '090001', 'UNIVERSIDAD DE PRUEBAS');

async function lote(archivo: Buffer): Promise<number> {
  const { id } = await insertLote(db, { environment: 'qa', cveInstitucion: '090001', usuario: 'u', channel: 'rest', nombreArchivo: 'lote.zip', archivo, receivedAt: new Date() });
  return id;
}

const row = (loteId: number, position: number, over: Record<string, unknown>) => ({
  lote_id: loteId,
  position,
  archivo: `${position}.xml`,
  folio_control: '',
  estatus: 1 as const,
  descripcion: '',
  checks: '[]',
  xml: null,
  ...over,
});

t.test('each file comes back from its range of the upload: deflated or stored, across the 1 MiB pieces, or as the copy older rows kept', async (t) => {
  // Files large enough that the upload is split into 1 MiB pieces and an entry straddles two; the
  // middle one stored, the others deflated.
  const files = [0, 1, 2].map((i) => ({ name: `f${i}.xml`, content: Buffer.from(`<a>${randomBytes(450_000).toString('hex')}</a>`) }));
  const stored = Buffer.from('<lone>a copy kept by the row</lone>');
  const zip = await honestZip(files.map((f, i) => ({ name: f.name, data: f.content, compress: i !== 1 })));
  const unpacked = await unpackUpload('lote.zip', zip, DEFAULT_INTAKE_LIMITS);
  if (!unpacked.ok) throw new Error('the zip does not unpack');
  const loteId = await lote(zip);
  const old = await lote(Buffer.from('unused'));
  await insertDocumentos(db, unpacked.entries.map((e, i) => row(loteId, i, { upload_offset: e.location!.offset, upload_size: e.location!.size, upload_method: e.location!.method })));
  await insertDocumentos(db, [row(old, 0, { xml: stored }), row(old, 1, {})]);

  const rows = await db.selectFrom('documento').select(['documento.position', ...DOCUMENT_COLUMNS]).orderBy('documento.lote_id').orderBy('documento.position').execute();
  const documents = await withDocuments(db, rows);
  t.same(documents.slice(0, 3).map((d) => d.xml?.toString()), files.map((f) => f.content.toString()), 'the zip entries, inflated or as stored');
  t.same(unpacked.entries.map((e) => e.location!.method), [8, 0, 8]);
  t.ok(unpacked.entries.some((e) => Math.floor(e.location!.offset / 1048576) !== Math.floor((e.location!.offset + e.location!.size - 1) / 1048576)), 'one entry spans two pieces');
  t.equal(documents[3]!.xml?.toString(), stored.toString(), 'a row written before 0005 gives its own copy');
  t.equal(documents[4]!.xml, null, 'a row with neither gives null');
});

t.test("listDocumentos: 'problems' reads checks only of rows holding an error or a warning, in either stored spelling", async (t) => {
  const loteId = await lote(Buffer.from('x'));
  const ok = JSON.stringify(['TIT-ROOT|TituloElectronico', { code: 'TIT-RVOE', status: 'ok', found: '"status":"error"' }]);
  await insertDocumentos(db, [
    row(loteId, 0, { checks: ok }),
    row(loteId, 1, { estatus: 2, checks: JSON.stringify([{ code: 'TIT-ROOT', status: 'error', explanation: 'x' }]) }),
    row(loteId, 2, { checks: JSON.stringify([{ code: 'TIT-RVOE', status: 'warning', explanation: 'x' }]) }),
    // As 0005 converted jsonb rows: jsonb writes a space after every colon.
    row(loteId, 3, { estatus: 2, checks: '[{"code": "TIT-ROOT", "status": "error", "explanation": "x"}]' }),
  ]);
  const problems = await listDocumentos(db, loteId, 'problems');
  t.same(problems.map((d) => d.checks === null), [true, false, false, false], 'the valid row is not read; an escaped quote inside a value does not count');
  t.same(problems[3]!.checks, [{ code: 'TIT-ROOT', status: 'error', explanation: 'x' }]);
  t.same((await listDocumentos(db, loteId, 'all')).map((d) => d.checks === null), [false, false, false, false]);
  t.same((await listDocumentos(db, loteId, 'none')).map((d) => d.checks), [null, null, null, null]);
});
