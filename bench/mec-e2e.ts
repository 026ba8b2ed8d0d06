/**
 * (e) MEC end to end: a folio of 1,000 DEC 3.0 certificates (50 subjects each) uploaded over REST
 * to the real service in its own process (bench/service.ts, the same harness as the MET (b)), timed
 * from the start of the upload until its results show every certificate SATISFACTORIO.
 *
 *   operator registers the MEC institution: MEC id, campus, its responsible e.firma, the plan (.xlsx)
 *   per repetition: a test folio for 1,000 (QA user, active at once) is opened, untimed; then
 *   POST /api/v1/mec/folios/{folio}/cargas (raw zip) → worker claims, checks, seals, stores →
 *   GET /api/v1/mec/cargas/{numeroLote} polled until processed; that last answer holds the results.
 *
 * Every result is checked: 1,000 documents in upload order, each estatus 1 SATISFACTORIO with its
 * file name and folioControl, and the folio then reads 1,000 authenticated. Anything else fails the
 * benchmark. Fresh folios every repetition; the zips are built before the clock starts; one
 * full-size warm-up folio first (JIT, the login cache, the pool); the median of the repetitions is reported.
 */
import type { MintedCredential } from '../test/support/pki.js';
import { folios, median, round, runTag, type LoteZip } from './fixtures.js';
import { BENCH_ADMIN_TOKEN, mecClient, type CargaDocument, type CargaView, type MecClient } from './mec-client.js';
import { benchPlan, benchPlanWorkbook, folioZip } from './mec-fixtures.js';
import { benchDatabase, sleep, startService, type DatabaseKind, type RunningService } from './service.js';

export interface MecE2eOptions {
  readonly signer: MintedCredential;
  readonly today: string;
  /** postgres://… server to create the throwaway database on; undefined = PGlite. */
  readonly serverUrl: string | undefined;
  readonly pgliteMemory: boolean;
  readonly certificados: number;
  readonly repetitions: number;
  /** Pause between two GET /cargas/{numeroLote} calls (0 = next event-loop turn). */
  readonly pollMs: number;
  readonly execArgv?: readonly string[];
  readonly log: (line: string) => void;
}

export interface MecE2eRun {
  readonly numeroLote: number;
  readonly seconds: number;
  readonly docsPerSec: number;
  readonly polls: number;
  /** Client-side marks, ms from the start of the upload. */
  readonly uploadAnsweredMs: number;
  /** The start of the GET that found the upload processed (its answer carries the results). */
  readonly processedPollMs: number;
  readonly resultsAnsweredMs: number;
  /** Server-side marks, ms from the start of the upload (same machine clock). */
  readonly startedMs: number | null;
  readonly processedMs: number | null;
  readonly workerMs: number | null;
}

/** Median duration of each phase of an upload, ms (see phasesOf). */
export interface MecE2ePhases {
  /** POST …/cargas: transfer, login, unzip to count the certificates, upload committed, answer back. */
  readonly upload: number;
  /** From the answer to the worker starting on the upload (wake-up, claim). */
  readonly claim: number;
  /** Reading the upload, registry, unzip, parse, checks, sealing and the inserts (until processed_at). */
  readonly process: number;
  /** Marking the upload processed and the commit. */
  readonly commit: number;
  /** From the commit to the start of the GET that saw it processed (polling latency; 0 when that GET waited for the commit). */
  readonly detect: number;
  /** That GET from the later of its start and the commit: 1,000 results with every check read, serialized, parsed by the client. */
  readonly results: number;
}

export interface MecE2eResult {
  readonly database: DatabaseKind;
  readonly certificados: number;
  readonly zipBytes: number;
  readonly runs: readonly MecE2eRun[];
  readonly folio1000Seconds: number;
  readonly docsPerSec: number;
  readonly phasesMs: MecE2ePhases;
}

const SATISFACTORIO = 'SATISFACTORIO';

export async function runMecE2e(options: MecE2eOptions): Promise<MecE2eResult> {
  const { signer, today, log } = options;
  const tag = runTag();
  const database = await benchDatabase(options.serverUrl, options.pgliteMemory);
  log(`  database: ${database.description}`);
  try {
    const service = await startService({ database, signer, env: { METMEC_ADMIN_TOKEN: BENCH_ADMIN_TOKEN }, execArgv: options.execArgv ?? [] });
    try {
      const client = mecClient(service.url);
      const plan = benchPlan();
      await client.register(signer, benchPlanWorkbook(plan));

      // Fixtures first: every zip of this run, each with its own folioControl values.
      // A full-size warm-up, as the ceiling warms up on the whole zip (see met-e2e.ts).
      const warmup = await folioZip(signer, plan, today, folios(`MW${tag}`, options.certificados));
      const uploads: LoteZip[] = [];
      for (let rep = 0; rep < options.repetitions; rep++) uploads.push(await folioZip(signer, plan, today, folios(`M${tag}${rep}`, options.certificados)));

      await oneUpload(client, service, warmup, options.pollMs);

      const runs: MecE2eRun[] = [];
      for (const [rep, upload] of uploads.entries()) {
        const run = await oneUpload(client, service, upload, options.pollMs);
        runs.push(run);
        log(
          `  rep ${rep + 1}/${uploads.length}: upload ${run.numeroLote} ${run.seconds.toFixed(3)} s (${Math.round(run.docsPerSec)} docs/s) — ` +
            `upload answered ${ms(run.uploadAnsweredMs)}, worker started ${ms(run.startedMs)}, processed_at ${ms(run.processedMs)}, ` +
            `worker total ${ms(run.workerMs)}, GET that saw it processed sent ${ms(run.processedPollMs)} (${run.polls} polls), results answered ${ms(run.resultsAnsweredMs)}`,
        );
      }
      const seconds = median(runs.map((r) => r.seconds));
      const phases = runs.map(phasesOf);
      const phase = (key: keyof MecE2ePhases): number => round(median(phases.map((p) => p[key])), 1);
      return {
        database: service.database,
        certificados: options.certificados,
        zipBytes: uploads[0]?.zip.length ?? 0,
        runs,
        folio1000Seconds: round(seconds, 3),
        docsPerSec: options.certificados / seconds,
        phasesMs: {
          upload: phase('upload'),
          claim: phase('claim'),
          process: phase('process'),
          commit: phase('commit'),
          detect: phase('detect'),
          results: phase('results'),
        },
      };
    } finally {
      await service.stop();
    }
  } finally {
    await database.drop();
  }
}

async function oneUpload(client: MecClient, service: RunningService, upload: LoteZip, pollMs: number): Promise<MecE2eRun> {
  const folio = (await client.openFolio(upload.folios.length)).folio;

  const wallStart = Date.now();
  const start = performance.now();
  const numeroLote = await client.upload(folio, 'certificados.zip', upload.zip);
  const uploadAnswered = performance.now();
  let polls = 0;
  let pollStart: number;
  let view: CargaView;
  for (;;) {
    polls++;
    pollStart = performance.now();
    view = await client.carga(numeroLote);
    if (view.status === 'processed') break;
    if (pollStart - start > 120_000) throw new Error(`upload ${numeroLote} was not processed within 120 s`);
    await sleep(pollMs);
  }
  const end = performance.now();

  verifyCarga(view, numeroLote, upload);
  const after = await client.folio(folio);
  if (after.authenticated !== upload.folios.length || after.state !== 'complete') {
    throw new Error(`folio ${folio}: ${after.authenticated} of ${after.certificados} authenticated (state ${after.state}) after upload ${numeroLote}, expected all`);
  }
  const times = await service.lote(numeroLote, 'certificados');
  const since = (t: number | null): number | null => (t === null ? null : t - wallStart);
  const seconds = (end - start) / 1000;
  return {
    numeroLote,
    seconds,
    docsPerSec: upload.folios.length / seconds,
    polls,
    uploadAnsweredMs: uploadAnswered - start,
    processedPollMs: pollStart - start,
    resultsAnsweredMs: end - start,
    startedMs: since(times.startedAt),
    processedMs: since(times.processedAt),
    workerMs: times.workerMs,
  };
}

/**
 * One run cut into phases, from the client's marks and the upload row's timestamps (one machine,
 * one clock). started_at is taken as processMecUpload starts; processed_at after its inserts, just
 * before the upload is marked processed; the worker's own duration (from its log) gives the commit.
 * On PGlite a GET sent during the transaction waits for it (one connection), so the GET that sees
 * the upload processed may start before the commit: then detect is 0 and results counts from the commit.
 */
function phasesOf(run: MecE2eRun): MecE2ePhases {
  const started = run.startedMs ?? run.uploadAnsweredMs;
  const processed = run.processedMs ?? started;
  const committed = run.workerMs === null ? processed : started + run.workerMs;
  const seen = Math.max(run.processedPollMs, committed);
  return {
    upload: run.uploadAnsweredMs,
    claim: started - run.uploadAnsweredMs,
    process: processed - started,
    commit: committed - processed,
    detect: seen - committed,
    results: run.resultsAnsweredMs - seen,
  };
}

/**
 * The results must list every certificate of the zip, in upload order, each SATISFACTORIO (estatus 1)
 * with its file name and folioControl. Throws with the first bad rows and their first error otherwise.
 */
export function verifyCarga(view: CargaView, numeroLote: number, upload: Pick<LoteZip, 'folios' | 'names'>): void {
  const expected = upload.folios.length;
  const documents = view.documents ?? [];
  const counts = view.counts;
  if (!counts || counts.total !== expected || counts.registered !== expected || documents.length !== expected) {
    throw new Error(
      `upload ${numeroLote}: counts ${JSON.stringify(counts)} and ${documents.length} result rows, expected ${expected} certificates, all ${SATISFACTORIO}` +
        badRows(documents, upload),
    );
  }
  const bad = badRows(documents, upload);
  if (bad) throw new Error(`upload ${numeroLote}: not every certificate is ${SATISFACTORIO} as expected${bad}`);
}

function badRows(documents: readonly CargaDocument[], upload: Pick<LoteZip, 'folios' | 'names'>): string {
  const bad: string[] = [];
  documents.forEach((d, i) => {
    if (d.position !== i || d.archivo !== upload.names[i] || d.estatus !== 1 || d.descripcion !== SATISFACTORIO || d.folioControl !== upload.folios[i]) {
      const error = d.checks.find((c) => c.status === 'error');
      bad.push(`#${i} ${d.archivo}: estatus ${d.estatus} "${d.descripcion}"${error ? ` (${error.code}: ${error.explanation ?? ''})` : ''}`);
    }
  });
  return bad.length === 0 ? '' : `; ${bad.length} bad row(s), e.g.\n    ${bad.slice(0, 5).join('\n    ')}`;
}

function ms(value: number | null): string {
  return value === null ? '?' : `${Math.round(value)} ms`;
}
