import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock.js';
import type { CheckCode } from '../domain/check-codes.js';
import { claimNextLote, markLoteFailed } from '../store/repositories/lotes.js';
import type { Database, LoteRow, StoredCheck } from '../store/schema.js';

/** How many times a lote is tried before it is finished with {@link LOTE_INTERNAL_ERROR}. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** DESCRIPCION of the one row of a lote that could not be processed (SEP-style Spanish). */
export const LOTE_INTERNAL_ERROR = 'Error interno al procesar el lote; intente nuevamente';

export interface LoteWorkerOptions {
  readonly db: Kysely<Database>;
  readonly pollMs: number;
  readonly leaseSeconds: number;
  readonly log: FastifyBaseLogger;
  readonly process: (lote: LoteRow, owner: string) => Promise<unknown>;
  /** Attempts before a lote is given up (finished with one package-level PKG-INTERNAL row). */
  readonly maxAttempts?: number | undefined;
  /** The service clock, for the timestamps of a given-up lote. */
  readonly clock?: Clock | undefined;
  /** Told once a lote's results are committed (processed, or given up). */
  readonly onProcessed?: ((lote: LoteRow) => void) | undefined;
}

/**
 * The durable lote worker. Lotes are committed before the upload is answered; this loop claims them
 * with a lease (FOR UPDATE SKIP LOCKED), so a lote whose worker died is re-claimed when its lease
 * expires, and several processes can share one database. `wake()` skips the poll wait when this
 * process has just queued a lote.
 *
 * A poison lote never loops forever: a lote whose processing throws is retried after its lease
 * expires, and after `maxAttempts` attempts (thrown, or never finished because the worker died) it is
 * finished with one package-level row, so a client polling it gets an answer.
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
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (lote.attempts > maxAttempts) {
      // Every earlier attempt ended without a result: its worker died (maybe because of this lote).
      await this.giveUp(lote, lote.attempts - 1, undefined);
      return true;
    }
    const started = performance.now();
    try {
      await this.options.process(lote, this.owner);
      this.options.onProcessed?.(lote);
      this.options.log.info(
        { numeroLote: lote.numero_lote, environment: lote.environment, ms: Math.round(performance.now() - started) },
        'lote processed',
      );
    } catch (error) {
      if (lote.attempts >= maxAttempts) {
        await this.giveUp(lote, lote.attempts, error);
      } else {
        // The lease stays; the lote is re-claimed when it expires, so a crash-like failure is retried.
        this.options.log.error(
          { err: error, numeroLote: lote.numero_lote, attempt: lote.attempts },
          'lote processing failed; it will be retried after its lease expires',
        );
      }
    }
    return true;
  }

  /** Finishes the lote with one package-level row saying it could not be processed. */
  private async giveUp(lote: LoteRow, attempts: number, error: unknown): Promise<void> {
    const clock = this.options.clock ?? systemClock;
    const check = {
      code: 'PKG-INTERNAL' satisfies CheckCode,
      status: 'error',
      explanation: `The lote could not be processed in ${attempts} attempts (an internal error, logged by the service); upload it again.`,
      sepMessage: LOTE_INTERNAL_ERROR,
      detail: { attempts },
    } satisfies StoredCheck;
    const now = clock.now();
    const finished = await markLoteFailed(this.options.db, {
      loteId: lote.id,
      owner: this.owner,
      startedAt: now,
      processedAt: now,
      documento: {
        lote_id: lote.id,
        position: 0,
        archivo: lote.nombre_archivo,
        folio_control: '',
        estatus: 2,
        descripcion: LOTE_INTERNAL_ERROR,
        checks: JSON.stringify([check]),
        xml: null,
      },
    });
    const context = { err: error, numeroLote: lote.numero_lote, attempts };
    if (finished) this.options.onProcessed?.(lote);
    if (finished) this.options.log.error(context, 'lote given up after repeated failures; answered with an internal-error row');
    else this.options.log.warn(context, 'could not give the lote up: its lease was lost (another worker has it)');
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      // Only a claim attempt that began after a waiter asked may tell it "idle": one already under
      // way may have looked before the waiter's lote was committed.
      const waiting = this.idleWaiters.splice(0);
      let worked = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        this.options.log.error({ err: error }, 'lote worker could not claim a lote');
      }
      if (worked) {
        this.idleWaiters.unshift(...waiting);
        continue;
      }
      for (const resolve of waiting) resolve();
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
