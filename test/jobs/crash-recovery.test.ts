import t from 'tap';
import { LoteWorker } from '../../src/jobs/lote-worker.js';
import { processLote } from '../../src/titulos/process-lote.js';
import { basicAuth, buildTestApp } from '../support/app.js';
import { seedInstitution, tituloFor, zipOf } from '../support/met-scenario.js';
import { spawnTypescript, until } from './fixtures/child-process.js';
import { databaseUrlOf, documentoRows, loteRow, processDeps, recordingLog, tituloCount } from './fixtures/lotes.js';

// Another process cannot open an in-memory PGlite, and a PGlite data dir is one process's only (by
// design, and locked): a crash with a second process sharing the database needs a real PostgreSQL.
const needsPostgres = process.env['DATABASE_URL'] ? false : 'needs a real PostgreSQL shared by two processes: set DATABASE_URL=postgres://…';

t.test('a worker process SIGKILLed mid-job: the lote is re-claimed after its lease and processed exactly once', { skip: needsPostgres }, async (t) => {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  t.teardown(() => testApp.close());
  const db = testApp.store.db;
  const inst = await seedInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);

  // An upload is committed and answered "received".
  const zip = await zipOf([
    { name: 'a.xml', content: tituloFor(testApp, inst, 'CRASH-A') },
    { name: 'b.xml', content: tituloFor(testApp, inst, 'CRASH-B') },
  ]);
  const upload = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?nombreArchivo=crash.zip',
    headers: { ...auth, 'content-type': 'application/zip' },
    payload: zip,
  });
  t.equal(upload.statusCode, 202, `the upload is answered "received": ${upload.body}`);
  const { numeroLote } = upload.json() as { numeroLote: number };
  const { id: loteId } = await db.selectFrom('lote').select('id').where('numero_lote', '=', numeroLote).executeTakeFirstOrThrow();

  // Another process's worker claims it and dies in the middle of storing its results.
  const leaseSeconds = 2;
  const child = spawnTypescript('test/jobs/fixtures/claim-and-hang.ts', [], {
    CRASH_TEST_DATABASE_URL: await databaseUrlOf(testApp.store),
    CRASH_TEST_LEASE_SECONDS: String(leaseSeconds),
  });
  t.teardown(() => {
    child.process.kill('SIGKILL');
  });
  const [, claimedId, childOwner] = await child.line(/^processing lote (\d+) as (\S+)$/);
  t.equal(Number(claimedId), loteId, 'the child claimed the lote');
  const claimed = await loteRow(db, loteId);
  t.match(claimed, { status: 'processing', lease_owner: childOwner, attempts: 1 });
  t.equal((await documentoRows(db, loteId)).length, 0, "the child's uncommitted rows are not visible");
  const leaseEnds = claimed.lease_expires_at!.getTime();

  const calls: Array<{ attempts: number; at: number }> = [];
  const worker = new LoteWorker({
    db,
    pollMs: 20,
    leaseSeconds: 30,
    log: recordingLog().log,
    process: (lote, owner) => {
      calls.push({ attempts: lote.attempts, at: Date.now() });
      return processLote(lote, owner, processDeps(testApp, db));
    },
  });
  t.equal(await worker.runOnce(), false, 'nothing to claim while the child holds the lote');
  const polling = await testApp.app.inject({ method: 'GET', url: `/api/v1/met/lotes/${numeroLote}`, headers: auth });
  t.equal(polling.json().status, 'processing', 'a client polling sees it processing');

  child.process.kill('SIGKILL');
  t.same(await child.exited(), { code: null, signal: 'SIGKILL' }, 'the child is killed');

  worker.start();
  t.teardown(() => worker.stop());
  await until('the lote to be processed', async () => (await loteRow(db, loteId)).status === 'processed', 15_000);
  await worker.whenIdle();
  await worker.stop();

  t.equal(calls.length, 1, 'processed once by the surviving worker');
  t.ok(calls[0]!.at >= leaseEnds - 50, `re-claimed only after the lease expired (${calls[0]!.at - leaseEnds} ms after)`);
  t.match(await loteRow(db, loteId), { status: 'processed', attempts: 2, lease_owner: null, total: 2, registered: 2, rejected: 0 });
  const documentos = await documentoRows(db, loteId);
  t.same(
    documentos.map((d) => [d.position, d.archivo, d.folio_control, d.estatus]),
    [
      [0, 'a.xml', 'CRASH-A', 1],
      [1, 'b.xml', 'CRASH-B', 1],
    ],
    "its results are stored once, and nothing of the killed worker's partial write survived",
  );
  t.equal(await tituloCount(db, loteId), 2, 'both títulos registered once');

  const view = await testApp.app.inject({ method: 'GET', url: `/api/v1/met/lotes/${numeroLote}`, headers: auth });
  t.match(view.json(), { status: 'processed', counts: { total: 2, registered: 2, rejected: 0 } });
  t.equal(await worker.runOnce(), false, 'nothing left to claim');
});
