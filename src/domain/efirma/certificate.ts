import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { certificateNumberFromSerialHex } from './certificate-number.js';
import { parseDistinguishedName, readSatSubject, type DistinguishedName, type SatSubject } from './subject.js';

/** A SAT certificate read with node:crypto (never node-forge on the request path). */
// Subject fields (RFC, CURP, name, OU, e-mail) come from SatSubject.
export interface EfirmaCertificate extends SatSubject {
  /** The certificate's DER (normalised from PEM when PEM was given). */
  readonly der: Buffer;
  /** SHA-256 of the DER, lowercase hex: the identity used to match registered signers. */
  readonly sha256: string;
  /** Serial number as Node prints it (uppercase hex). */
  readonly serialHex: string;
  /** The 20-digit número de certificado (serial bytes read as ASCII), or null when the serial is not that shape. */
  readonly number: string | null;
  /** FIEL: no OU and an EKU with clientAuth or emailProtection. CSD: has an OU. CA certificates are OTHER. */
  readonly kind: 'FIEL' | 'CSD' | 'OTHER';
  /** Persona física: 13-character RFC (4 letters); moral: 12 characters (3 letters). */
  readonly persona: 'FISICA' | 'MORAL' | 'UNKNOWN';
  /** `publicKey.asymmetricKeyType`, e.g. `rsa`. */
  readonly keyType: string;
  /** RSA/DSA modulus length in bits; 0 for other key types. */
  readonly keyBits: number;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Issuer and subject exactly as Node prints them (see subject.ts for the format). */
  readonly issuer: string;
  readonly subject: string;
  readonly subjectAttributes: DistinguishedName;
  /** Extended key usage OIDs; empty when the extension is absent (SAT CSDs). */
  readonly extendedKeyUsage: readonly string[];
  readonly publicKey: KeyObject;
  /** The underlying Node certificate, e.g. for `checkIssued`/`verify` against a CA. */
  readonly x509: X509Certificate;
}

export class CertificateParseError extends Error {
  override readonly name = 'CertificateParseError';
}

/** SAT certificates are about 1.5 KB; anything this large is hostile or not a certificate. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const RFC_FISICA = /^[A-ZÑ&]{4}\d{6}[A-Z\d]{3}$/;
const RFC_MORAL = /^[A-ZÑ&]{3}\d{6}[A-Z\d]{3}$/;
const PEM_START = Buffer.from('-----BEGIN');

function openX509(bytes: Buffer): X509Certificate {
  if (bytes.length === 0) throw new CertificateParseError('not a certificate: empty input');
  if (bytes.length > MAX_CERTIFICATE_BYTES) {
    throw new CertificateParseError(
      `not a certificate: ${bytes.length} bytes is more than the ${MAX_CERTIFICATE_BYTES} allowed`,
    );
  }
  const isPem = bytes.subarray(0, 64).includes(PEM_START);
  if (!isPem && bytes[0] !== 0x30) {
    throw new CertificateParseError('not a DER certificate: it does not start with an ASN.1 SEQUENCE');
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CertificateParseError(`not a certificate: ${reason}`, { cause: error });
  }
  // OpenSSL ignores bytes after the first object; DER input must be exactly one certificate.
  if (!isPem && x509.raw.length !== bytes.length) {
    throw new CertificateParseError(
      `not a DER certificate: ${bytes.length - x509.raw.length} trailing bytes after the certificate`,
    );
  }
  return x509;
}

function parseDate(text: string, field: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new CertificateParseError(`unreadable ${field}: ${JSON.stringify(text)}`);
  }
  return date;
}

function personaOf(rfc: string | null): EfirmaCertificate['persona'] {
  if (rfc === null) return 'UNKNOWN';
  if (RFC_FISICA.test(rfc)) return 'FISICA';
  if (RFC_MORAL.test(rfc)) return 'MORAL';
  return 'UNKNOWN';
}

function kindOf(isCa: boolean, organizationalUnit: string | null, eku: readonly string[]): EfirmaCertificate['kind'] {
  if (isCa) return 'OTHER';
  if (organizationalUnit !== null) return 'CSD';
  if (eku.includes(OID_CLIENT_AUTH) || eku.includes(OID_EMAIL_PROTECTION)) return 'FIEL';
  return 'OTHER';
}

/**
 * Parses one certificate. DER is the expected input (what documents carry, base64-decoded); PEM is
 * accepted too and normalised, so `der` and `sha256` always describe the DER. Throws
 * CertificateParseError with the reason when the bytes are not exactly one certificate.
 */
export function parseCertificate(der: Uint8Array): EfirmaCertificate {
  const x509 = openX509(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  const raw = x509.raw;

  let publicKey: KeyObject;
  try {
    publicKey = x509.publicKey;
  } catch (error) {
    throw new CertificateParseError('unsupported public key', { cause: error });
  }

  const subjectAttributes = parseDistinguishedName(x509.subject);
  const sat = readSatSubject(subjectAttributes);
  // Node 20's `keyUsage` is in fact the extended key usage (renamed `extKeyUsage` in later Node).
  const ekuSource = (x509 as { extKeyUsage?: string[] }).extKeyUsage ?? x509.keyUsage;
  const extendedKeyUsage = Object.freeze([...(ekuSource ?? [])]);
  const details = publicKey.asymmetricKeyDetails;

  return Object.freeze({
    der: raw,
    sha256: createHash('sha256').update(raw).digest('hex'),
    serialHex: x509.serialNumber.toUpperCase(),
    number: certificateNumberFromSerialHex(x509.serialNumber),
    rfc: sat.rfc,
    representativeRfc: sat.representativeRfc,
    curp: sat.curp,
    name: sat.name,
    organizationalUnit: sat.organizationalUnit,
    email: sat.email,
    kind: kindOf(x509.ca, sat.organizationalUnit, extendedKeyUsage),
    persona: personaOf(sat.rfc),
    keyType: publicKey.asymmetricKeyType ?? 'unknown',
    keyBits: details?.modulusLength ?? 0,
    validFrom: parseDate(x509.validFrom, 'validFrom'),
    validTo: parseDate(x509.validTo, 'validTo'),
    issuer: x509.issuer,
    subject: x509.subject,
    subjectAttributes,
    extendedKeyUsage,
    publicKey,
    x509,
  });
}

const BASE64_BODY = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_CERTIFICATE_BASE64_CHARS = 2 * Math.ceil(MAX_CERTIFICATE_BYTES / 3) * 4;

/**
 * Parses base64 DER as found in documents (`certificadoResponsable`). Line breaks and spaces are
 * ignored (some clients wrap base64); any other non-base64 character or bad padding is an error.
 */
export function parseCertificateBase64(base64: string): EfirmaCertificate {
  if (base64.length > MAX_CERTIFICATE_BASE64_CHARS) {
    throw new CertificateParseError('not a certificate: the base64 text is too long');
  }
  const compact = base64.replace(/[\t\n\r ]+/g, '');
  if (!BASE64_BODY.test(compact)) {
    throw new CertificateParseError('not a certificate: invalid base64');
  }
  return parseCertificate(Buffer.from(compact, 'base64'));
}
