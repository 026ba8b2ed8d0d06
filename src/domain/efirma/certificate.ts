import type { KeyObject } from 'node:crypto';

/** A SAT certificate read with node:crypto (never node-forge on the request path). */
export interface EfirmaCertificate {
  readonly der: Buffer;
  /** SHA-256 of the DER, lowercase hex: the identity used to match registered signers. */
  readonly sha256: string;
  /** Serial number as Node prints it (uppercase hex). */
  readonly serialHex: string;
  /** The 20-digit número de certificado (serial bytes read as ASCII), or null when the serial is not that shape. */
  readonly number: string | null;
  /** RFC: first token of x500UniqueIdentifier (2.5.4.45); for personas morales, the entity's RFC. */
  readonly rfc: string | null;
  /** CURP: last ' / '-separated part of serialNumber (2.5.4.5), trimmed; null when empty. */
  readonly curp: string | null;
  /** Legal name: subject `name` (2.5.4.41), falling back to CN. */
  readonly name: string | null;
  readonly kind: 'FIEL' | 'CSD' | 'OTHER';
  /** Persona física: 13-character RFC; moral: 12 characters. */
  readonly persona: 'FISICA' | 'MORAL' | 'UNKNOWN';
  readonly keyType: string;
  readonly keyBits: number;
  readonly validFrom: Date;
  readonly validTo: Date;
  readonly issuer: string;
  readonly subject: string;
  readonly publicKey: KeyObject;
}

export class CertificateParseError extends Error {
  override readonly name = 'CertificateParseError';
}

/** Parses DER bytes; throws CertificateParseError with a clear reason when they are not a certificate. */
export function parseCertificate(der: Uint8Array): EfirmaCertificate {
  void der;
  throw new Error('not implemented');
}
