/**
 * A small pool of worker threads that run the costly half of a lote's evaluation (inflate, parse,
 * the document's own checks and, for certificates, the seal: see src/jobs/prepared-file.ts) off the
 * main thread, so the lote worker's thread is left with the database and the registry checks.
 *
 * A lote's facts are sent once to each thread that works on it; its files go a chunk at a time,
 * copied into one transferred buffer (zip entries still deflated: a thread inflates its own). A
 * thread that dies (it should not: parse and check errors are results, not exceptions) fails the
 * jobs it held and is replaced on the next job, so the lote is retried like any other failed lote.
 * Idle threads never keep the process alive, and close() ends them all.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IntakeLimits } from '../intake/limits.js';
import type { LoteFacts, PreparedByKind } from './file-preparation.js';
import { fileData, type FileData, type LoteFile } from './lote-file.js';
import type { UnreadableFile } from './prepared-file.js';

/** Main thread → evaluation thread. */
export type ToThread =
  | { readonly type: 'lote'; readonly lote: number; readonly facts: LoteFacts; readonly limits: IntakeLimits }
  | { readonly type: 'chunk'; readonly lote: number; readonly job: number; readonly data: Uint8Array; readonly files: readonly ChunkFile[] }
  | { readonly type: 'forget'; readonly lote: number };

/** One file of a chunk: its bytes end at `end` in the chunk's data. */
export interface ChunkFile extends Omit<FileData, 'bytes'> {
  readonly end: number;
}

/** Evaluation thread → main thread. */
export type FromThread =
  | { readonly job: number; readonly ok: true; readonly prepared: unknown[] }
  | { readonly job: number; readonly ok: false; readonly message: string; readonly stack: string | undefined };

/** Prepares a lote's files a chunk at a time, in a pool's threads or on the calling thread. */
export interface LoteExecutor<P> {
  /** The files prepared, in order (one that does not inflate as declared: UnreadableFile). */
  prepare(files: readonly LoteFile[], archive: Buffer): Promise<Array<P | UnreadableFile>>;
  /** Lets the threads drop the lote's facts; jobs still running are left to finish unheard. */
  close(): void;
}

/**
 * Threads by default: one per core, as measured with the benchmark on 2 cores (bench/README.md),
 * where the threads do the checks and the main thread, with PostgreSQL or PGlite, the storing.
 */
export function defaultEvaluationThreads(cores = availableParallelism()): number {
  return cores > 1 ? cores : 0;
}

interface Pending {
  readonly resolve: (prepared: unknown[]) => void;
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

/**
 * Each thread's young generation, in MB. V8 lets it grow to 48 MB by default, which a thread filled
 * with short-lived parse trees and kept: two threads added ≈110 MB to the service's peak RSS on a
 * 50 MB zip (bench (c)); at 4 MB they add ≈60 MB, at no measurable cost in speed.
 */
const THREAD_YOUNG_GENERATION_MB = 4;

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

  openLote<K extends LoteFacts['kind']>(facts: Extract<LoteFacts, { kind: K }>, limits: IntakeLimits): LoteExecutor<PreparedByKind[K]> {
    if (this.size === 0) throw new Error('an evaluation pool of size 0 evaluates nothing: evaluate on the main thread');
    const lote = this.nextLote++;
    const used = new Set<PoolThread>();
    let open = true;
    return {
      prepare: (files, archive) => {
        if (!open) return Promise.reject(new Error('this lote was closed'));
        const thread = this.pick();
        used.add(thread);
        if (!thread.primed.has(lote)) {
          thread.post({ type: 'lote', lote, facts, limits });
          thread.primed.add(lote);
        }
        return this.run(thread, lote, files, archive) as Promise<Array<PreparedByKind[K] | UnreadableFile>>;
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
    const thread = new PoolThread(new Worker(WORKER_SCRIPT, { resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } }));
    thread.worker.unref();
    thread.worker.on('message', (message: FromThread) => {
      const pending = thread.pending.get(message.job);
      if (pending === undefined) return;
      thread.pending.delete(message.job);
      if (thread.pending.size === 0) thread.worker.unref();
      if (message.ok) pending.resolve(message.prepared);
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

  private run(thread: PoolThread, lote: number, files: readonly LoteFile[], archive: Buffer): Promise<unknown[]> {
    const job = this.nextJob++;
    const data = files.map((file) => fileData(file, archive));
    // One copy per chunk into a buffer of its own, handed over without another copy.
    const bytes = new Uint8Array(data.reduce((sum, d) => sum + d.bytes.length, 0));
    let offset = 0;
    const chunkFiles = data.map(({ name, bytes: fileBytes, zip }): ChunkFile => {
      bytes.set(fileBytes, offset);
      offset += fileBytes.length;
      return { name, zip, end: offset };
    });
    return new Promise((resolve, reject) => {
      thread.pending.set(job, { resolve, reject });
      thread.worker.ref();
      thread.post({ type: 'chunk', lote, job, data: bytes, files: chunkFiles }, [bytes.buffer]);
    });
  }
}
