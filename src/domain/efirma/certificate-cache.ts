import { CertificateParseError, parseCertificateBase64, type EfirmaCertificate } from './certificate.js';

/**
 * A bounded memo of parsed certificates keyed by their base64 text as found in documents.
 * Parsing dominates per-document cost (≈120 µs against ≈18 µs for a verify), and a lote usually
 * carries the same one or two signer certificates in every document. Failures are remembered too,
 * so the same garbage repeated across a lote is parsed once. Least recently used entries go first.
 */
export class CertificateCache {
  readonly #entries = new Map<string, EfirmaCertificate | CertificateParseError>();

  constructor(readonly capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Parsed certificate for base64 DER; throws CertificateParseError like parseCertificate. */
  fromBase64(base64: string): EfirmaCertificate {
    let entry = this.#entries.get(base64);
    if (entry === undefined) {
      entry = this.#parse(base64);
      if (this.#entries.size >= this.capacity) {
        // Map iteration order is insertion order; hits re-insert, so the first key is the LRU.
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    } else {
      this.#entries.delete(base64);
    }
    this.#entries.set(base64, entry);
    if (entry instanceof CertificateParseError) throw entry;
    return entry;
  }

  clear(): void {
    this.#entries.clear();
  }

  #parse(base64: string): EfirmaCertificate | CertificateParseError {
    try {
      return parseCertificateBase64(base64);
    } catch (error) {
      if (error instanceof CertificateParseError) return error;
      throw error;
    }
  }
}
export type { EfirmaCertificate };
