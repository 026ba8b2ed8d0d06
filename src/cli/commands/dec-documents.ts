/**
 * The offline document commands on a DEC 3.0 (certificado, MEC): its cadena original, its sello by
 * the Responsable's e.firma, and the checks that need no MEC registry. documents.ts dispatches here
 * when the root element is Dec.
 */
import type { KeyObject } from 'node:crypto';
import { checkDecOffline, DEFAULT_DEC_OPTIONS } from '../../domain/certificados/check-dec.js';
import { documentCadena, type DocumentCadena } from '../../domain/certificados/document-cadena.js';
import type { CheckResult } from '../../domain/checks.js';
import { CertificateCache } from '../../domain/efirma/certificate-cache.js';
import type { EfirmaCertificate } from '../../domain/efirma/certificate.js';
import { signCadena } from '../../domain/efirma/sello.js';
import { withAttributes, type XmlElement } from '../../intake/xml-tree.js';
import { documentProblems } from '../check-text.js';
import { CliError, EXIT } from '../cli-error.js';

/** The cadena original, or exit 1 with what keeps it from being built (not 3.0, missing elements). */
export function decCadena(file: string, root: XmlElement): DocumentCadena {
  const result = documentCadena(root);
  if (!result.ok) throw documentProblems(file, result.errors);
  return result.value;
}

/**
 * Fills Dec/@sello, @certificadoResponsable and @noCertificadoResponsable. A DEC has one signer,
 * Ipes/Responsable (spec mec-certificados.md §2.3), so the certificate must be that person's.
 */
export function signDec(file: string, root: XmlElement, certificate: EfirmaCertificate & { number: string }, key: KeyObject): XmlElement {
  const { cadena, curp } = decCadena(file, root);
  if (curp !== certificate.curp) {
    throw new CliError(
      `${file}: Responsable/@curp is ${curp || '(empty)'} but the certificate's CURP is ${certificate.curp ?? '(none)'}; a DEC is sealed with its Responsable's own e.firma`,
      EXIT.USAGE,
    );
  }
  return withAttributes(root, { sello: signCadena(cadena, key), certificadoResponsable: certificate.der.toString('base64'), noCertificadoResponsable: certificate.number });
}

/** Every check that needs no MEC registry; `today` stands for the authentication date. */
export function verifyDec(root: XmlElement, today: string): { checks: CheckResult[]; note: string } {
  const outcome = checkDecOffline(root, { today, certificates: new CertificateCache(), options: DEFAULT_DEC_OPTIONS });
  return {
    checks: outcome.checks,
    note: `note: checked as authenticated on ${today}; the registry checks (institution, campus, plan, registered e.firma, folio) run on upload (metmec mec-upload)`,
  };
}
