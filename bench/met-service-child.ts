/**
 * The service under test, alone in its own process (forked by bench/service.ts): the real app from
 * buildApp with its worker, listening on 127.0.0.1 port 0, on PGlite (memory://) or on the
 * PostgreSQL database named by DATABASE_URL. Nothing else lives here, so its RSS is the service's.
 *
 * Configuration comes from the environment exactly as src/server.ts reads it (loadConfig). The
 * institution (QA user + the minted signer) is seeded from BENCH_SEED, a JSON object
 * `{ cveInstitucion, usuario, password, signerDerBase64 }`.
 *
 * The logger runs at METMEC_LOG_LEVEL (info by default, as in production) and serializes every
 * line as the real service does, but into a sink instead of a terminal; the worker's
 * "lote processed" lines are kept so the parent can ask how long each lote took inside the worker.
 *
 * IPC (process.send): → { type: 'ready', url, database, rssMb, maxRssMb }; requests carry an id and
 * get `{ id, ... }` back: 'lote' (timestamps of one lote), 'memory' (RSS now / peak), 'stop'.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { findLoteSummary } from '../src/store/repositories/lotes.js';
import type { LoteKind } from '../src/store/schema.js';

interface Seed {
  readonly cveInstitucion: string;
  readonly usuario: string;
  readonly password: string;
  readonly signerDerBase64: string;
}

type Request =
  | { id: number; type: 'lote'; numeroLote: number; kind: LoteKind }
  | { id: number; type: 'memory'; resetSampled?: boolean }
  | { id: number; type: 'stop' };

const MB = 1024 * 1024;
const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024;
/** The kernel's high-water mark of this process's own address space (Linux), as a cross-check. */
function vmHwmMb(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function send(message: object): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('met-service-child must be started with fork() (it talks over IPC)');
  const seed = JSON.parse(process.env['BENCH_SEED'] ?? 'null') as Seed | null;
  if (!seed) throw new Error('BENCH_SEED is not set');

  // With BENCH_SAMPLE_RSS=1 (part (c) only), RSS sampled every 10 ms: the peak since the last reset
  // (maxRSS, the kernel's figure, covers the whole life of the process, start-up included). Off
  // otherwise: reading RSS a hundred times a second costs the event loop ≈20 ms per 1,000-título lote.
  let sampledPeak = process.memoryUsage.rss();
  if (process.env['BENCH_SAMPLE_RSS'] === '1') {
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
    }, 10);
    sampler.unref();
  }

  // The parent going away (or stop()) closes the channel: never outlive it.
  process.once('disconnect', () => setTimeout(() => process.exit(0), 2_000).unref());

  const processedMs = new Map<number, number>();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const line = chunk.toString();
      if (line.includes('"lote processed"')) {
        try {
          const entry = JSON.parse(line) as { numeroLote?: number; ms?: number };
          if (typeof entry.numeroLote === 'number' && typeof entry.ms === 'number') processedMs.set(entry.numeroLote, entry.ms);
        } catch {
          // a partial line: ignore
        }
      } else if (/"level":(50|60)/.test(line)) {
        process.stderr.write(line);
      }
      callback();
    },
  });

  const config = loadConfig(process.env);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(store.db);
  const threads = process.env['BENCH_EVAL_THREADS'];
  const app = await buildApp({
    config,
    store,
    logger: { level: config.logLevel, stream: sink },
    ...(threads ? { evaluationThreads: Number(threads) } : {}),
  });
  await app.services.registry.applySeed({
    institutions: [
      {
        cveInstitucion: seed.cveInstitucion,
        nombre: 'UNIVERSIDAD DE PRUEBAS METMEC',
        users: [{ usuario: seed.usuario, password: seed.password, environment: 'qa' }],
        signers: [{ der: Buffer.from(seed.signerDerBase64, 'base64'), idCargo: 3, cargo: 'RECTOR' }],
      },
    ],
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });

  process.on('message', (message: Request) => {
    void (async () => {
      switch (message.type) {
        case 'lote': {
          const lote = await findLoteSummary(store.db, 'qa', message.numeroLote, message.kind);
          send({
            id: message.id,
            receivedAt: lote?.received_at?.getTime() ?? null,
            startedAt: lote?.started_at?.getTime() ?? null,
            processedAt: lote?.processed_at?.getTime() ?? null,
            total: lote?.total ?? null,
            registered: lote?.registered ?? null,
            workerMs: processedMs.get(message.numeroLote) ?? null,
          });
          return;
        }
        case 'memory': {
          const memory = process.memoryUsage();
          const cpu = process.cpuUsage();
          send({
            id: message.id,
            cpuMs: (cpu.user + cpu.system) / 1000,
            maxRssMb: maxRssMb(),
            vmHwmMb: vmHwmMb(),
            rssMb: memory.rss / MB,
            sampledPeakRssMb: sampledPeak / MB,
            heapUsedMb: memory.heapUsed / MB,
            externalMb: memory.external / MB,
            arrayBuffersMb: memory.arrayBuffers / MB,
          });
          if (message.resetSampled) sampledPeak = process.memoryUsage.rss();
          return;
        }
        case 'stop': {
          await app.close();
          await store.close();
          send({ id: message.id });
          process.disconnect();
          return;
        }
      }
    })().catch((error: unknown) => {
      send({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    });
  });

  send({ type: 'ready', url, database: store.kind, rssMb: process.memoryUsage.rss() / MB, maxRssMb: maxRssMb() });
}

main().catch((error: unknown) => {
  process.stderr.write(`met-service-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
