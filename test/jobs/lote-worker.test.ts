import t, { type Test } from 'tap';
import { LOTE_INTERNAL_ERROR, LoteWorker } from '../../src/jobs/lote-worker.js';
import { claimNextLote, markLoteProcessed } from '../../src/store/repositories/lotes.js';
import type { LoteRow } from '../../src/store/schema.js';
import { LeaseLostError, processLote } from '../../src/titulos/process-lote.js';
import { basicAuth, buildTestApp } from '../support/app.js';
import { seedInstitution } from '../support/met-scenario.js';
import { until } from './fixtures/child-process.js';
import { documentoRows, loteRow, openPeerStore, processDeps, queueLote, recordingLog, tituloCount, type QueuedLote } from './fixtures/lotes.js';

/** An app (its own worker off) on a fresh database, a seeded institution, and a peer handle on the same database. */
async function setUp(t: Test) {
  const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
  const peer = await openPeerStore(testApp.store);
  t.teardown(async () => {
    await peer.close();
    await testApp.close();
  });
  const inst = await seedInstitution(testApp);
  return { testApp, peer, inst };
}

t.test('two workers on one database: 20 lotes, every one processed exactly once', async (t) => {
  const { testApp, peer, inst } = await setUp(t);
  const lotes: QueuedLote[] = [];
  for (let i = 0; i < 20; i++) {
    const files = 1 + (i % 4);
    lotes.push(await queueLote(testApp, inst, Array.from({ length: files }, (_, f) => `F${String(i).padStart(2, '0')}-${f}`)));
  }

  const calls = new Map<number, string[]>();
  const worker = (db: typeof peer.db) => {
    const w: LoteWorker = new LoteWorker({
      db,
      pollMs: 20,
      leaseSeconds: 60,
      log: recordingLog().log,
      process: async (lote: LoteRow, owner: string) => {
        calls.set(lote.id, [...(calls.get(lote.id) ?? []), owner]);
        return processLote(lote, owner, processDeps(testApp, db));
      },
    });
    return w;
  };
  const a = worker(testApp.store.db);
  const b = worker(peer.db);
  t.not(a.owner, b.owner, 'the workers have different owners');
  a.start();
  b.start();
  t.teardown(() => Promise.all([a.stop(), b.stop()]));
  await Promise.all([a.whenIdle(), b.whenIdle()]);

  for (const lote of lotes) {
    const row = await loteRow(testApp.store.db, lote.id);
    t.match(row, { status: 'processed', attempts: 1, lease_owner: null, total: lote.folios.length, registered: lote.folios.length, rejected: 0 }, `lote ${lote.numeroLote}`);
    const documentos = await documentoRows(testApp.store.db, lote.id);
    t.same(documentos.map((d) => d.position), lote.folios.map((_, i) => i), `lote ${lote.numeroLote}: one documento row per file`);
    t.same(documentos.map((d) => d.folio_control), lote.folios);
    t.equal(await tituloCount(testApp.store.db, lote.id), lote.folios.length, `lote ${lote.numeroLote}: every título registered once`);
    t.equal(calls.get(lote.id)?.length, 1, `lote ${lote.numeroLote}: processed by one worker, once`);
  }
  const owners = [...calls.values()].flat();
  const byA = owners.filter((o) => o === a.owner).length;
  const byB = owners.filter((o) => o === b.owner).length;
  t.equal(byA + byB, 20);
  t.comment(`worker A processed ${byA} lotes, worker B ${byB} (${peer.separate ? 'two pg pools' : 'one PGlite connection'})`);
  if (peer.separate) {
    // On PostgreSQL the workers really run side by side; PGlite's one connection may serialize them.
    t.ok(byA > 0 && byB > 0, 'both workers took lotes');
  }
});

t.test('a crashed worker: its lease expires, another worker re-claims and finishes the lote; the late finish is refused', async (t) => {
  const { testApp, peer, inst } = await setUp(t);
  const lote = await queueLote(testApp, inst, ['LEASE-1', 'LEASE-2']);

  // Worker A claims the lote and is never heard from again.
  const claimedByA = await claimNextLote(testApp.store.db, 'crashed-worker-a', 1);
  t.ok(claimedByA, 'A claims the lote');
  const claimA = claimedByA!;
  t.match(claimA, { id: lote.id, status: 'processing', lease_owner: 'crashed-worker-a', attempts: 1 });
  const leaseEnds = claimA.lease_expires_at!.getTime();

  const claimsByB: Array<{ attempts: number; at: number }> = [];
  const b = new LoteWorker({
    db: peer.db,
    pollMs: 20,
    leaseSeconds: 30,
    log: recordingLog().log,
    process: (l, owner) => {
      claimsByB.push({ attempts: l.attempts, at: Date.now() });
      return processLote(l, owner, processDeps(testApp, peer.db));
    },
  });
  t.equal(await b.runOnce(), false, 'B finds nothing while A holds the lease');
  t.match(await loteRow(testApp.store.db, lote.id), { status: 'processing', lease_owner: 'crashed-worker-a' });

  await until('B to claim the lote', () => b.runOnce(), 10_000, 50);
  t.equal(claimsByB.length, 1);
  const claimedAt = claimsByB[0]!.at;
  t.ok(claimedAt >= leaseEnds - 50, `B claimed it only once the lease had run out (${claimedAt - leaseEnds} ms after)`);
  t.equal(claimsByB[0]!.attempts, 2, 'as the second attempt');
  const finished = await loteRow(testApp.store.db, lote.id);
  t.match(finished, { status: 'processed', attempts: 2, lease_owner: null, total: 2, registered: 2, rejected: 0 });
  t.equal((await documentoRows(testApp.store.db, lote.id)).length, 2);
  t.equal(await tituloCount(testApp.store.db, lote.id), 2);

  // A comes back and tries to finish: the lease-lost path stores nothing.
  const late = await markLoteProcessed(testApp.store.db, {
    loteId: lote.id,
    owner: 'crashed-worker-a',
    startedAt: new Date(),
    processedAt: new Date(),
    total: 99,
    registered: 99,
    rejected: 0,
  });
  t.equal(late, false, "A's late markLoteProcessed is refused");
  await t.rejects(processLote(claimA, 'crashed-worker-a', processDeps(testApp, testApp.store.db)), LeaseLostError, "A's late processLote fails as lease lost");
  t.same(await loteRow(testApp.store.db, lote.id), finished, 'the lote row is untouched');
  t.equal((await documentoRows(testApp.store.db, lote.id)).length, 2, 'no documento rows added');
  t.equal(await tituloCount(testApp.store.db, lote.id), 2, 'no títulos added');
  t.equal(await b.runOnce(), false, 'nothing left to claim');
});

t.test('a lote whose processing throws is retried after its lease, then answered with an internal-error row', async (t) => {
  const { testApp, inst } = await setUp(t);
  const poison = await queueLote(testApp, inst, ['POISON-1']);
  const good = await queueLote(testApp, inst, ['GOOD-1', 'GOOD-2']);

  const calls: Array<{ id: number; attempts: number; at: number }> = [];
  const { log, entries } = recordingLog();
  const leaseSeconds = 0.5;
  const worker = new LoteWorker({
    db: testApp.store.db,
    pollMs: 20,
    leaseSeconds,
    log,
    clock: testApp.clock,
    process: async (lote, owner) => {
      calls.push({ id: lote.id, attempts: lote.attempts, at: performance.now() });
      if (lote.id === poison.id) throw new Error('simulated bug while processing');
      return processLote(lote, owner, processDeps(testApp, testApp.store.db));
    },
  });
  worker.start();
  t.teardown(() => worker.stop());
  await until('the poison lote to be finished', async () => (await loteRow(testApp.store.db, poison.id)).status === 'processed', 15_000);
  await worker.stop();

  t.match(await loteRow(testApp.store.db, good.id), { status: 'processed', attempts: 1, registered: 2 }, 'the good lote behind it was not held up');
  const poisonCalls = calls.filter((c) => c.id === poison.id);
  t.same(poisonCalls.map((c) => c.attempts), [1, 2, 3], 'three attempts, no more');
  for (let i = 1; i < poisonCalls.length; i++) {
    const gap = poisonCalls[i]!.at - poisonCalls[i - 1]!.at;
    t.ok(gap >= leaseSeconds * 1000 - 50, `attempt ${i + 1} waited for the lease to expire (${Math.round(gap)} ms)`);
  }
  t.equal(entries.filter((e) => e.level === 'error' && /will be retried/.test(e.msg)).length, 2, 'each retried failure is logged');
  t.ok(entries.some((e) => e.level === 'error' && /given up/.test(e.msg)), 'giving up is logged');

  t.match(await loteRow(testApp.store.db, poison.id), { status: 'processed', attempts: 3, lease_owner: null, total: 1, registered: 0, rejected: 1 });
  const rows = await documentoRows(testApp.store.db, poison.id);
  t.equal(rows.length, 1, 'one package-level row');
  t.match(rows[0], {
    position: 0,
    archivo: poison.nombreArchivo,
    folio_control: '',
    estatus: 2,
    descripcion: 'Error interno al procesar el lote; intente nuevamente',
    checks: [{ code: 'PKG-INTERNAL', status: 'error', sepMessage: LOTE_INTERNAL_ERROR, detail: { attempts: 3 } }],
  });
  t.notMatch(JSON.stringify(rows[0]?.checks), 'simulated bug', 'the internal error text is not shown to the client');

  // The client polling it gets an answer.
  const auth = basicAuth(inst.usuario, inst.password);
  const view = await testApp.app.inject({ method: 'GET', url: `/api/v1/met/lotes/${poison.numeroLote}`, headers: auth });
  t.equal(view.statusCode, 200);
  t.match(view.json(), { status: 'processed', counts: { total: 1, registered: 0, rejected: 1 }, documents: [{ archivo: poison.nombreArchivo, estatus: 2, descripcion: LOTE_INTERNAL_ERROR }] });
  const descarga = await testApp.app.services.met.descarga({ usuario: inst.usuario, password: inst.password }, poison.numeroLote);
  t.match(descarga, { kind: 'ready', rows: [{ archivo: poison.nombreArchivo, estatus: 2, descripcion: LOTE_INTERNAL_ERROR }] });

  const before = calls.length;
  t.equal(await worker.runOnce(), false, 'the poison lote is not claimed again');
  t.equal(calls.length, before);
});

t.test('a lote whose workers keep dying is given up when claimed after the last attempt', async (t) => {
  const { testApp, inst } = await setUp(t);
  const lote = await queueLote(testApp, inst, ['DIES-1']);
  // Three workers claim it in turn and die (their short leases run out, nothing is ever stored).
  for (const n of [1, 2, 3]) {
    await until(`claim ${n}`, () => claimNextLote(testApp.store.db, `dying-worker-${n}`, 0.05), 5_000, 20);
  }
  t.match(await loteRow(testApp.store.db, lote.id), { status: 'processing', attempts: 3 });

  let processed = 0;
  const worker = new LoteWorker({
    db: testApp.store.db,
    pollMs: 20,
    leaseSeconds: 30,
    log: recordingLog().log,
    process: async () => {
      processed++;
    },
  });
  await until('the expired lease to be re-claimed', () => worker.runOnce(), 5_000, 20);
  t.equal(processed, 0, 'the lote is not tried a fourth time');
  t.match(await loteRow(testApp.store.db, lote.id), { status: 'processed', attempts: 4, total: 1, rejected: 1 });
  t.match(await documentoRows(testApp.store.db, lote.id), [
    { position: 0, estatus: 2, descripcion: LOTE_INTERNAL_ERROR, checks: [{ code: 'PKG-INTERNAL', detail: { attempts: 3 } }] },
  ]);
});
