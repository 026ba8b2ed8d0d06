/**
 * A small pool of worker threads that run the costly, lote-independent half of a título's
 * evaluation (parseSafeXml + checkTitulo + encodeChecks, see DocumentPreparer) off the main thread,
 * so the lote worker's thread is left with the database I/O and the lote-sequential folio rule.
 *
 * A lote's registry facts are sent once to each thread that works on it; its files go a chunk at a
 * time, copied into one transferred buffer. A thread that dies (it should not: parse and check
 * errors are results, not exceptions) fails the jobs it held and is replaced on the next job, so
 * the lote is retried like any other failed lote. Idle threads never keep the process alive, and
 * close() ends them all.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RegisteredSigner, RenapoRecord } from '../domain/titulos/check-titulo.js';
import type { PackageEntry } from '../intake/package.js';
import type { XmlLimits } from '../intake/xml.js';
import type { PreparedDocument } from '../titulos/evaluate-lote.js';

/** What the checks of one lote need, in a form that can be posted to a thread. */
export interface LoteFacts {
  readonly today: string;
  readonly cveInstitucion: string;
  readonly xmlLimits: XmlLimits;
  readonly cadenaEscapeXml: boolean;
  readonly signersBySha256: ReadonlyMap<string, RegisteredSigner>;
  /** Authority certificates as DER by número de certificado (the thread parses them again). */
  readonly authorityCertificates: ReadonlyMap<string, Uint8Array>;
  readonly renapo: ReadonlyMap<string, RenapoRecord> | null;
}

/** Main thread → evaluation thread. */
export type ToThread =
  | { readonly type: 'lote'; readonly lote: number; readonly facts: LoteFacts }
  | { readonly type: 'chunk'; readonly lote: number; readonly job: number; readonly data: Uint8Array; readonly ends: Uint32Array }
  | { readonly type: 'forget'; readonly lote: number };

/** Evaluation thread → main thread. */
export type FromThread =
  | { readonly job: number; readonly ok: true; readonly documents: PreparedDocument[] }
  | { readonly job: number; readonly ok: false; readonly message: string; readonly stack: string | undefined };

/** One lote's use of the pool: prepare its files a chunk at a time, then close. */
export interface PooledLote {
  /** Prepared documents in the order of `entries`; rejects when the chunk could not be evaluated. */
  prepare(entries: readonly PackageEntry[]): Promise<PreparedDocument[]>;
  /** Lets the threads drop the lote's facts; jobs still running are left to finish unheard. */
  close(): void;
}

/**
 * Threads by default, as measured on 2 cores (bench/README.md): one beside the main thread when the
 * database runs on the main thread too (PGlite) and there is a second core; none with PostgreSQL,
 * whose server already works in parallel with the checks on the main thread (there a thread gained
 * nothing measurable and cost about 30 MB of RSS on a 50 MB zip).
 */
export function defaultEvaluationThreads(store: 'pglite' | 'postgres', cores = availableParallelism()): number {
  return store === 'pglite' && cores > 1 ? 1 : 0;
}

interface Pending {
  readonly resolve: (documents: PreparedDocument[]) => void;
  readonly reject: (error: Error) => void;
}

class PoolThread {
  readonly pending = new Map<number, Pending>();
  /** Lotes whose facts this thread has. */
  readonly primed = new Set<number>();
  alive = true;

  constructor(readonly worker: Worker) {}

  post(message: ToThread, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}

// Under the test runner the sources are TypeScript (loaded through its loader, which the thread
// inherits with execArgv); built, they are JavaScript next to this file.
const WORKER_SCRIPT = new URL(import.meta.url.endsWith('.ts') ? './evaluation-worker.ts' : './evaluation-worker.js', import.meta.url);

export class EvaluationPool {
  private readonly threads: PoolThread[] = [];
  private nextLote = 1;
  private nextJob = 1;
  private closed = false;

  /** `size` threads at most, started on first use; 0 means callers evaluate on their own thread. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer, got ${size}`);
  }

  openLote(facts: LoteFacts): PooledLote {
    if (this.size === 0) throw new Error('an evaluation pool of size 0 evaluates nothing: evaluate on the main thread');
    const lote = this.nextLote++;
    const used = new Set<PoolThread>();
    let open = true;
    return {
      prepare: (entries) => {
        if (!open) return Promise.reject(new Error('this lote was closed'));
        const thread = this.pick();
        used.add(thread);
        if (!thread.primed.has(lote)) {
          thread.post({ type: 'lote', lote, facts });
          thread.primed.add(lote);
        }
        return this.run(thread, lote, entries);
      },
      close: () => {
        if (!open) return;
        open = false;
        for (const thread of used) {
          if (thread.alive && thread.primed.delete(lote)) thread.post({ type: 'forget', lote });
        }
      },
    };
  }

  /** Ends every thread; jobs still pending are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    await Promise.all(
      threads.map(async (thread) => {
        this.retire(thread, new Error('the evaluation pool was closed'));
        await thread.worker.terminate();
      }),
    );
  }

  /** The live thread with the fewest jobs, starting a new one while there are fewer than `size`. */
  private pick(): PoolThread {
    if (this.closed) throw new Error('the evaluation pool is closed');
    let best: PoolThread | undefined;
    for (const thread of this.threads) {
      if (best === undefined || thread.pending.size < best.pending.size) best = thread;
    }
    if (best !== undefined && (best.pending.size === 0 || this.threads.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): PoolThread {
    const thread = new PoolThread(new Worker(WORKER_SCRIPT));
    thread.worker.unref();
    thread.worker.on('message', (message: FromThread) => {
      const pending = thread.pending.get(message.job);
      if (pending === undefined) return;
      thread.pending.delete(message.job);
      if (thread.pending.size === 0) thread.worker.unref();
      if (message.ok) pending.resolve(message.documents);
      else pending.reject(Object.assign(new Error(`evaluation thread: ${message.message}`), { threadStack: message.stack }));
    });
    thread.worker.on('error', (error: Error) => this.retire(thread, new Error(`evaluation thread failed: ${error.message}`, { cause: error })));
    thread.worker.on('exit', (code) => this.retire(thread, new Error(`evaluation thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  private retire(thread: PoolThread, error: Error): void {
    thread.alive = false;
    thread.primed.clear();
    const at = this.threads.indexOf(thread);
    if (at >= 0) this.threads.splice(at, 1);
    for (const pending of thread.pending.values()) pending.reject(error);
    thread.pending.clear();
  }

  private run(thread: PoolThread, lote: number, entries: readonly PackageEntry[]): Promise<PreparedDocument[]> {
    const job = this.nextJob++;
    let total = 0;
    for (const entry of entries) total += entry.bytes.length;
    // One copy per chunk into a buffer of its own, handed over without another copy.
    const data = new Uint8Array(total);
    const ends = new Uint32Array(entries.length);
    let offset = 0;
    entries.forEach((entry, i) => {
      data.set(entry.bytes, offset);
      offset += entry.bytes.length;
      ends[i] = offset;
    });
    return new Promise((resolve, reject) => {
      thread.pending.set(job, { resolve, reject });
      thread.worker.ref();
      thread.post({ type: 'chunk', lote, job, data, ends }, [data.buffer, ends.buffer]);
    });
  }
}
