/**
 * Parent side of the benchmark's service process: a throwaway database (when DATABASE_URL names a
 * PostgreSQL server) and the forked service (bench/met-service-child.ts). The SOAP clients the
 * benchmarks use are in soap-client.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { LoteKind } from '../src/store/schema.js';
import type { MintedCredential } from '../test/support/pki.js';
import { BENCH_CVE_INSTITUCION, BENCH_PASSWORD, BENCH_USUARIO, tempDir } from './fixtures.js';
import type { MetClient } from './soap-client.js';

export { metClient, type MetClient } from './soap-client.js';

export type DatabaseKind = 'pglite' | 'postgres';

// ------------------------------------------------------------------------------ databases

export interface BenchDatabase {
  readonly kind: DatabaseKind;
  /** The throwaway database's URL (PostgreSQL), else undefined. */
  readonly url: string | undefined;
  /** PGlite's data directory (METMEC_DATA_DIR): a fresh directory on disk, or memory://. */
  readonly dataDir: string;
  /** Where the data lives, for the report. */
  readonly description: string;
  drop(): Promise<void>;
}

/**
 * PGlite when `serverUrl` is unset; otherwise a fresh database on that server, dropped by drop().
 *
 * PGlite gets what a deployed service has by default (METMEC_DATA_DIR=./data): a data directory on
 * disk, here a fresh temporary one, created and migrated by a separate short-lived process
 * (bench/pglite-init.ts) so the service process only reopens it. `pgliteMemory` uses memory://
 * instead (as the tests do); then initdb runs inside the service process and its ~0.9 GB start-up
 * peak is part of the service's maxRSS.
 */
export async function benchDatabase(serverUrl: string | undefined, pgliteMemory = false): Promise<BenchDatabase> {
  if (!serverUrl) {
    if (pgliteMemory) {
      return { kind: 'pglite', url: undefined, dataDir: 'memory://', description: 'PGlite, memory:// inside the service process', drop: async () => {} };
    }
    const dir = tempDir('pglite');
    await runNode(INIT_PGLITE, [dir.path]);
    return {
      kind: 'pglite',
      url: undefined,
      dataDir: dir.path,
      description: 'PGlite, a fresh data directory on disk, opened by the service process',
      drop: async () => dir.remove(),
    };
  }
  const name = `metmec_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: parsed.toString(),
    dataDir: 'memory://',
    description: `PostgreSQL, throwaway database ${name} on ${parsed.host}`,
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

const INIT_PGLITE = fileURLToPath(new URL('./pglite-init.js', import.meta.url));

function runNode(script: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with code ${code}`))));
  });
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------------------ service process

export interface ServiceOptions {
  readonly database: BenchDatabase;
  readonly signer: MintedCredential;
  /** Extra configuration variables (METMEC_*), e.g. raised intake limits. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags for the service process (e.g. --cpu-prof). */
  readonly execArgv?: readonly string[];
}

export interface LoteTimes {
  readonly receivedAt: number | null;
  readonly startedAt: number | null;
  readonly processedAt: number | null;
  readonly total: number | null;
  readonly registered: number | null;
  /** The worker's own "lote processed" duration (claim excluded; evaluation + storing included). */
  readonly workerMs: number | null;
}

export interface ServiceMemory {
  /** CPU time (user + system) the service process has used so far. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  /** /proc/self/status VmHWM (null off Linux). */
  readonly vmHwmMb: number | null;
  readonly rssMb: number;
  readonly sampledPeakRssMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
}

export interface RunningService {
  readonly url: string;
  readonly database: DatabaseKind;
  readonly startup: { readonly rssMb: number; readonly maxRssMb: number };
  readonly pid: number;
  /** Timestamps of a lote (títulos) or of a folio upload (`certificados`). */
  lote(numeroLote: number, kind?: LoteKind): Promise<LoteTimes>;
  memory(resetSampled?: boolean): Promise<ServiceMemory>;
  /** Closes the app and its store, waits for the process to exit. */
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./met-service-child.js', import.meta.url));

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: options.database.url ?? '',
    METMEC_DATA_DIR: options.database.dataDir,
    METMEC_SEED_DEMO: 'false',
    METMEC_WORKER: 'true',
    METMEC_LOG_LEVEL: process.env['METMEC_LOG_LEVEL'] ?? 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    // As `npm start` and the Dockerfile run the service (package.json).
    MALLOC_ARENA_MAX: process.env['MALLOC_ARENA_MAX'] || '4',
    ...options.env,
    BENCH_SEED: JSON.stringify({
      cveInstitucion: BENCH_CVE_INSTITUCION,
      usuario: BENCH_USUARIO,
      password: BENCH_PASSWORD,
      signerDerBase64: options.signer.cerDer.toString('base64'),
    }),
  };
  // Started through /bin/sh, which forks node rather than exec'ing it: on Linux a process's maxRSS
  // starts at the RSS of the process it was forked from, so forking the service straight from this
  // process (holding the fixtures, ~0.5 GB for the 50 MB zip) would hand it our high-water mark. The
  // IPC channel (fd 3, NODE_CHANNEL_FD) passes through sh to node unchanged.
  // The same V8 heap flags `npm start` gives the service (package.json, METMEC_MAX_HEAP_MB).
  const heapFlags = [`--max-old-space-size=${process.env['METMEC_MAX_HEAP_MB'] || '256'}`, '--max-semi-space-size=4'];
  const child = spawn('/bin/sh', ['-c', '"$0" "$@"; exit $?', process.execPath, ...heapFlags, ...(options.execArgv ?? []), CHILD], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Its own process group, so a stuck service can be killed with its shell (killChild).
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<{ url: string; database: DatabaseKind; rssMb: number; maxRssMb: number }>((resolve, reject) => {
    const onMessage = (message: { type?: string; url: string; database: DatabaseKind; rssMb: number; maxRssMb: number }) => {
      if (message.type !== 'ready') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    void exited.then((code) => reject(new Error(`the service process exited during start-up (code ${code})`)));
  });

  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message: { id?: number; error?: string }) => {
    if (typeof message.id !== 'number') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`service process: ${message.error}`));
    else waiter.resolve(message);
  });
  void exited.then((code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the service process exited (code ${code})`));
    pending.clear();
  });
  const rpc = <T>(request: object): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });

  return {
    url: ready.url,
    database: ready.database,
    startup: { rssMb: ready.rssMb, maxRssMb: ready.maxRssMb },
    pid: child.pid ?? -1,
    lote: (numeroLote, kind = 'titulos') => rpc<LoteTimes>({ type: 'lote', numeroLote, kind }),
    memory: (resetSampled = false) => rpc<ServiceMemory>({ type: 'memory', resetSampled }),
    stop: async () => {
      if (child.exitCode === null && child.connected) {
        await Promise.race([rpc({ type: 'stop' }), exited]);
      }
      const timer = setTimeout(() => killChild(child), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function killChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the group this benchmark started: sh and its node
  } catch {
    child.kill('SIGKILL');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));
}

/** Polls consulta until the lote reads as processed (estatusLote 1); fails after `timeoutMs`. */
export async function waitProcessed(client: Pick<MetClient, 'consulta'>, numeroLote: number, pollMs: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let polls = 0;
  for (;;) {
    polls++;
    if ((await client.consulta(numeroLote)) === 1) return polls;
    if (performance.now() > deadline) throw new Error(`lote ${numeroLote} was not processed within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
