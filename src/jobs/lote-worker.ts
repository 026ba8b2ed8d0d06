import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { claimNextLote } from '../store/repositories/lotes.js';
import type { Database, LoteRow } from '../store/schema.js';

export interface LoteWorkerOptions {
  readonly db: Kysely<Database>;
  readonly pollMs: number;
  readonly leaseSeconds: number;
  readonly log: FastifyBaseLogger;
  readonly process: (lote: LoteRow, owner: string) => Promise<unknown>;
}

/**
 * The durable lote worker. Lotes are committed before the upload is answered; this loop claims them
 * with a lease (FOR UPDATE SKIP LOCKED), so a lote whose worker died is re-claimed when its lease
 * expires, and several processes can share one database. `wake()` skips the poll wait when this
 * process has just queued a lote.
 */
export class LoteWorker {
  readonly owner = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private pendingWake = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: LoteWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Resolves once the worker finds nothing to claim (for tests and the benchmark). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }

  /** Claims and processes one lote; false when there was nothing to claim. */
  async runOnce(): Promise<boolean> {
    const lote = await claimNextLote(this.options.db, this.owner, this.options.leaseSeconds);
    if (!lote) return false;
    const started = performance.now();
    try {
      await this.options.process(lote, this.owner);
      this.options.log.info(
        { numeroLote: lote.numero_lote, environment: lote.environment, ms: Math.round(performance.now() - started) },
        'lote processed',
      );
    } catch (error) {
      // The lease stays; the lote is re-claimed when it expires, so a crash-like failure is retried.
      this.options.log.error({ err: error, numeroLote: lote.numero_lote }, 'lote processing failed; it will be retried after its lease expires');
    }
    return true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      let worked = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        this.options.log.error({ err: error }, 'lote worker could not claim a lote');
      }
      if (worked) continue;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      if (!this.running) break;
      if (!this.pendingWake) await this.sleep(this.options.pollMs);
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
