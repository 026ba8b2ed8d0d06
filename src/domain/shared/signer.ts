/**
 * The signer side shared by every document kind: how a registered signer is stored, folio
 * uniqueness states, and the facts about a signer's certificate that both the título's
 * FirmaResponsable and the DEC's Responsable are judged on (spec met-titulos.md §3.5,
 * mec-certificados.md §2.3–§2.4). Each document kind words the outcome with its own codes.
 */
import type { CertificateCache, EfirmaCertificate } from '../efirma/certificate-cache.js';

/** A responsible signer registered for the institution, as the registry stores it. */
export interface RegisteredSigner {
  readonly id: string;
  readonly sha256: string;
  readonly numeroCertificado: string;
  readonly curp: string;
  readonly nombre: string;
  readonly active: boolean;
}

/** Uniqueness of folioControl: free, already registered (not cancelled), or registered earlier in this lote. */
export type FolioState = 'free' | 'registered' | 'registered-in-lote';

export const MIN_RSA_BITS = 2048;

const MEXICO_CITY_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Mexico_City', year: 'numeric', month: '2-digit', day: '2-digit' });
const validityDates = new WeakMap<EfirmaCertificate, { readonly from: string; readonly to: string }>();

/**
 * The certificate's validity as Mexico City calendar dates: expedition dates have no time of day,
 * so a certificate counts as valid on a day if it was valid at any moment of that day there.
 */
export function validityInMexicoCity(cert: EfirmaCertificate): { readonly from: string; readonly to: string } {
  let dates = validityDates.get(cert);
  if (!dates) {
    dates = { from: MEXICO_CITY_DATE.format(cert.validFrom), to: MEXICO_CITY_DATE.format(cert.validTo) };
    validityDates.set(cert, dates);
  }
  return dates;
}

/** Whether the certificate was valid at some moment of `date` (AAAA-MM-DD) in Mexico City. */
export function isValidOn(cert: EfirmaCertificate, date: string): boolean {
  const { from, to } = validityInMexicoCity(cert);
  return from <= date && date <= to;
}

export type CertificateReading = { readonly ok: true; readonly cert: EfirmaCertificate } | { readonly ok: false; readonly reason: string };

/** The certificate from its base64 DER through the cache; never throws. */
export function readCertificate(certificates: CertificateCache, base64: string): CertificateReading {
  try {
    return { ok: true, cert: certificates.fromBase64(base64) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A failed certificate property: what it should be and what it is. */
export interface CertificateProblem {
  readonly expected: string;
  readonly found: string;
}

/** RSA of at least 2048 bits (SAT issues 2048-bit RSA). */
export function keyProblem(cert: EfirmaCertificate): CertificateProblem | null {
  if (cert.keyType === 'rsa' && cert.keyBits >= MIN_RSA_BITS) return null;
  return { expected: `rsa ≥ ${MIN_RSA_BITS}`, found: `${cert.keyType} ${cert.keyBits}` };
}

/** Sellos are made with an e.firma (FIEL) of a persona física, never a CSD or a persona moral's. */
export function fielProblem(cert: EfirmaCertificate): CertificateProblem | null {
  if (cert.kind === 'FIEL' && cert.persona === 'FISICA') return null;
  return { expected: 'FIEL FISICA', found: `${cert.kind} ${cert.persona}` };
}

/**
 * Why a registry entry does not accept this certificate, or undefined when it does: it must be the
 * same DER (matched by SHA-256), active, and registered under the certificate's CURP.
 */
export function registrationProblem(registered: RegisteredSigner | undefined, cert: EfirmaCertificate): string | undefined {
  if (registered === undefined || registered.sha256 !== cert.sha256) return 'is not registered';
  if (!registered.active) return `was registered (signer ${registered.id}) but is revoked`;
  if (registered.curp !== cert.curp) return `is registered under CURP ${registered.curp}, not the certificate's ${cert.curp ?? '(none)'}`;
  return undefined;
}

/** Who signed, for the detail of a failed sello. */
export function signerOf(cert: EfirmaCertificate): { numeroCertificado: string | null; curp: string | null; nombre: string | null; sha256: string } {
  return { numeroCertificado: cert.number, curp: cert.curp, nombre: cert.name, sha256: cert.sha256 };
}
