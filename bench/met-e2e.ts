/**
 * (b) End to end: a 1,000-título lote over SOAP, from the start of cargaTituloElectronico to the
 * answer of descargaTituloElectronico, against the real service in its own process (the client,
 * this process, stands in for the institution's system on another machine).
 *
 *   carga (node-soap, base64 zip) → server commits the lote → worker claims, evaluates, stores →
 *   consulta polled until estatusLote 1 → descarga → the .xls inside is checked: 1,000 rows, ESTATUS 1.
 *
 * Fresh folios every repetition (one database for all of them); the zip and its base64 text are
 * built before the clock starts. One full-size warm-up lote first (JIT, the login cache, the
 * connection pool); the median of the repetitions is reported.
 */
import * as XLSX from '@e965/xlsx';
import type { MintedCredential } from '../test/support/pki.js';
import { folios, loteZip, median, readZipEntries, round, runTag, type LoteZip } from './fixtures.js';
import { benchDatabase, metClient, startService, waitProcessed, type DatabaseKind, type LoteTimes } from './service.js';

export interface E2eOptions {
  readonly signer: MintedCredential;
  readonly today: string;
  /** postgres://… server to create the throwaway database on; undefined = PGlite. */
  readonly serverUrl: string | undefined;
  /** PGlite on memory:// instead of a data directory on disk. */
  readonly pgliteMemory: boolean;
  readonly titulos: number;
  readonly repetitions: number;
  /** Pause between two consulta calls (0 = next event-loop turn). */
  readonly pollMs: number;
  readonly execArgv?: readonly string[];
  readonly log: (line: string) => void;
}

export interface E2eRun {
  readonly numeroLote: number;
  readonly seconds: number;
  readonly docsPerSec: number;
  readonly polls: number;
  /** Client-side marks, ms from the start of carga. */
  readonly cargaAnsweredMs: number;
  readonly processedSeenMs: number;
  readonly descargaAnsweredMs: number;
  /** Server-side marks, ms from the start of carga (same machine clock). */
  readonly receivedMs: number | null;
  readonly startedMs: number | null;
  readonly evaluatedMs: number | null;
  readonly workerMs: number | null;
}

/** Median duration of each phase of a lote, ms (see phasesOf). */
export interface E2ePhases {
  /** carga: client envelope + transfer + server decode, login, lote committed, answer back. */
  readonly upload: number;
  /** From the carga answer to the worker starting on the lote (wake-up, claim, reading the upload). */
  readonly claim: number;
  /** Registry lookups, unzip, parse, every check (the worker, before its transaction's writes). */
  readonly evaluate: number;
  /** Writing documento and titulo rows, marking the lote processed, commit. */
  readonly store: number;
  /** From the commit to the client's consulta seeing estatusLote 1 (polling latency). */
  readonly detect: number;
  /** descarga: rows read, .xls and zip built, base64 answer parsed by the client. */
  readonly descarga: number;
}

export interface E2eResult {
  readonly database: DatabaseKind;
  readonly titulos: number;
  readonly zipBytes: number;
  readonly runs: readonly E2eRun[];
  readonly lote1000Seconds: number;
  readonly docsPerSec: number;
  readonly phasesMs: E2ePhases;
}

const RESULT_HEADER = ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL'];
const REGISTERED = 'Título electrónico registrado exitosamente';

export async function runE2e(options: E2eOptions): Promise<E2eResult> {
  const { signer, today, log } = options;
  const tag = runTag();
  const database = await benchDatabase(options.serverUrl, options.pgliteMemory);
  log(`  database: ${database.description}`);
  try {
    const service = await startService({ database, signer, execArgv: options.execArgv ?? [] });
    try {
      const client = await metClient(service.url);

      // Fixtures first: every zip of this run, each with its own folios, and their base64 text.
      // A full-size warm-up, as the ceiling warms up on the whole zip: the evaluation threads' JIT
      // needs a few thousand documents before it settles.
      const warmup = await loteZip(signer, today, folios(`W${tag}`, options.titulos));
      const lotes: LoteZip[] = [];
      for (let rep = 0; rep < options.repetitions; rep++) lotes.push(await loteZip(signer, today, folios(`E${tag}${rep}`, options.titulos)));

      await oneLote(client, service, warmup, warmup.zip.toString('base64'), options.pollMs);

      const runs: E2eRun[] = [];
      for (const [rep, lote] of lotes.entries()) {
        const base64 = lote.zip.toString('base64');
        const run = await oneLote(client, service, lote, base64, options.pollMs);
        runs.push(run);
        log(
          `  rep ${rep + 1}/${lotes.length}: lote ${run.numeroLote} ${run.seconds.toFixed(3)} s (${Math.round(run.docsPerSec)} docs/s) — ` +
            `carga answered ${ms(run.cargaAnsweredMs)}, worker started ${ms(run.startedMs)}, evaluated ${ms(run.evaluatedMs)}, ` +
            `worker total ${ms(run.workerMs)}, processed seen ${ms(run.processedSeenMs)} (${run.polls} polls), descarga answered ${ms(run.descargaAnsweredMs)}`,
        );
      }
      const seconds = median(runs.map((r) => r.seconds));
      const phases = runs.map(phasesOf);
      const phase = (key: keyof E2ePhases): number => round(median(phases.map((p) => p[key])), 1);
      return {
        phasesMs: {
          upload: phase('upload'),
          claim: phase('claim'),
          evaluate: phase('evaluate'),
          store: phase('store'),
          detect: phase('detect'),
          descarga: phase('descarga'),
        },
        database: service.database,
        titulos: options.titulos,
        zipBytes: lotes[0]?.zip.length ?? 0,
        runs,
        lote1000Seconds: round(seconds, 3),
        docsPerSec: options.titulos / seconds,
      };
    } finally {
      await service.stop();
    }
  } finally {
    await database.drop();
  }
}

async function oneLote(
  client: Awaited<ReturnType<typeof metClient>>,
  service: { lote(n: number): Promise<LoteTimes> },
  lote: LoteZip,
  base64: string,
  pollMs: number,
): Promise<E2eRun> {
  const wallStart = Date.now();
  const start = performance.now();
  const numeroLote = await client.carga('lote.zip', base64);
  const cargaAnswered = performance.now();
  const polls = await waitProcessed(client, numeroLote, pollMs, 120_000);
  const processedSeen = performance.now();
  const results = await client.descarga(numeroLote);
  const end = performance.now();

  await verifyResults(results, numeroLote, lote);
  const times = await service.lote(numeroLote);
  const since = (t: number | null): number | null => (t === null ? null : t - wallStart);
  const seconds = (end - start) / 1000;
  return {
    numeroLote,
    seconds,
    docsPerSec: lote.folios.length / seconds,
    polls,
    cargaAnsweredMs: cargaAnswered - start,
    processedSeenMs: processedSeen - start,
    descargaAnsweredMs: end - start,
    receivedMs: since(times.receivedAt),
    startedMs: since(times.startedAt),
    evaluatedMs: since(times.processedAt),
    workerMs: times.workerMs,
  };
}

/**
 * One run cut into phases, from the client's marks and the lote row's timestamps (one machine, one
 * clock). started_at is taken as the worker starts processing; processed_at just before its writes;
 * the worker's own duration (from its log) gives the end of the commit.
 */
function phasesOf(run: E2eRun): E2ePhases {
  const started = run.startedMs ?? run.cargaAnsweredMs;
  const evaluated = run.evaluatedMs ?? started;
  const committed = run.workerMs === null ? evaluated : started + run.workerMs;
  return {
    upload: run.cargaAnsweredMs,
    claim: started - run.cargaAnsweredMs,
    evaluate: evaluated - started,
    store: committed - evaluated,
    detect: run.processedSeenMs - committed,
    descarga: run.descargaAnsweredMs - run.processedSeenMs,
  };
}

/**
 * The descarga package must hold exactly `ResultadoCargaTitulos<n>.xls` with one row per título, in
 * upload order, each ESTATUS 1 with SEP's "registered" message and its folio. Throws otherwise.
 */
export async function verifyResults(results: Buffer, numeroLote: number, lote: Pick<LoteZip, 'folios' | 'names'>): Promise<void> {
  const entries = await readZipEntries(results);
  const expectedName = `ResultadoCargaTitulos${numeroLote}.xls`;
  if (entries.length !== 1 || entries[0]?.name !== expectedName) {
    throw new Error(`lote ${numeroLote}: the results package holds ${JSON.stringify(entries.map((e) => e.name))}, expected [${expectedName}]`);
  }
  const workbook = XLSX.read(entries[0].data, { type: 'buffer' });
  const sheet = workbook.Sheets['Resultado'];
  if (!sheet) throw new Error(`lote ${numeroLote}: no sheet "Resultado" in ${expectedName} (sheets: ${workbook.SheetNames.join(', ')})`);
  const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1 });
  const [header, ...data] = rows;
  if (JSON.stringify(header) !== JSON.stringify(RESULT_HEADER)) throw new Error(`lote ${numeroLote}: unexpected header ${JSON.stringify(header)}`);
  if (data.length !== lote.folios.length) {
    throw new Error(`lote ${numeroLote}: ${data.length} result rows, expected ${lote.folios.length}`);
  }
  const bad: string[] = [];
  data.forEach((row, i) => {
    const [archivo, estatus, descripcion, folio] = row;
    if (archivo !== lote.names[i] || estatus !== 1 || descripcion !== REGISTERED || String(folio) !== lote.folios[i]) {
      bad.push(`row ${i + 2}: ${JSON.stringify(row)}`);
    }
  });
  if (bad.length > 0) {
    throw new Error(`lote ${numeroLote}: ${bad.length} of ${data.length} rows are not "ESTATUS 1, registered" as expected, e.g.\n    ${bad.slice(0, 5).join('\n    ')}`);
  }
}

function ms(value: number | null): string {
  return value === null ? '?' : `${Math.round(value)} ms`;
}
