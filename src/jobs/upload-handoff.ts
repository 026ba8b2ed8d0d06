import type { UploadInspection } from '../intake/package.js';

/**
 * An upload as this process received it: the file and, when the request inspects it, what it finds
 * (inspectUpload; a promise, so the lote's worker may start while the inspection runs).
 */
export interface ReceivedUpload {
  readonly archivo: Buffer;
  readonly inspection?: Promise<UploadInspection>;
}

/** Where the use cases put a lote they store, for this process's worker. */
export interface LoteIntake {
  /** Inside the transaction that stores the lote, once its id is known: before any worker can claim it. */
  handOff(loteId: number, upload: ReceivedUpload): void;
  /** Once that transaction has committed: the worker looks at once. */
  queued(): void;
}

export interface UploadHandoffOptions {
  /** Most bytes held at once; an upload that does not fit is simply not held. */
  readonly maxBytes: number;
  /** An upload not taken within this time (another process claimed it) is dropped. */
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface Held {
  readonly upload: ReceivedUpload;
  readonly bytes: number;
  readonly until: number;
}

/**
 * Uploads this process has just committed, held in memory for its own lote worker, which usually
 * claims them a moment later: the worker then does not read back what was just written (PostgreSQL
 * returns bytea as hex text, twice the upload's size through the socket and the driver). Only a
 * shortcut: a lote claimed by another process, or not claimed in time, is read from the database,
 * and the stored upload stays the one source of truth (the bytes held are the bytes committed).
 */
export class UploadHandoff {
  private readonly held = new Map<number, Held>();
  private heldBytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: UploadHandoffOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Call inside the transaction that stores the lote, before a worker can claim it. The upload is
   * held as it came, never copied: a view into a larger request body (a SOAP envelope decoded in
   * place is 4/3 of its upload) holds that body, which is counted, and a copy would only add its
   * own size to the peak while the request is still in flight.
   */
  offer(loteId: number, upload: ReceivedUpload): void {
    this.expire();
    const bytes = upload.archivo.buffer.byteLength;
    if (this.heldBytes + bytes > this.options.maxBytes) return;
    this.held.set(loteId, { upload, bytes, until: this.now() + this.options.ttlMs });
    this.heldBytes += bytes;
  }

  /** The upload of a lote this process committed and still holds, once; undefined otherwise. */
  take(loteId: number): ReceivedUpload | undefined {
    const held = this.held.get(loteId);
    if (held === undefined) return undefined;
    this.forget(loteId, held);
    this.expire();
    return held.until >= this.now() ? held.upload : undefined;
  }

  get size(): number {
    return this.held.size;
  }

  private expire(): void {
    const now = this.now();
    for (const [loteId, held] of this.held) if (held.until < now) this.forget(loteId, held);
  }

  private forget(loteId: number, held: Held): void {
    this.held.delete(loteId);
    this.heldBytes -= held.bytes;
  }
}
