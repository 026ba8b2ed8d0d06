import { parseCertificate, type EfirmaCertificate } from './certificate.js';

/**
 * A bounded memo of parsed certificates keyed by their base64 text as found in documents.
 * Parsing dominates per-document cost (≈120 µs against ≈18 µs for a verify), and a lote usually
 * carries the same one or two signer certificates in every document.
 */
export class CertificateCache {
  constructor(readonly capacity = 256) {}

  /** Parsed certificate for base64 DER; throws CertificateParseError like parseCertificate. */
  fromBase64(base64: string): EfirmaCertificate {
    void base64; void parseCertificate;
    throw new Error('not implemented');
  }
}
export type { EfirmaCertificate };
