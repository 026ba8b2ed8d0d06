/**
 * The offline document commands (cadena, sign, verify) on a título (TituloElectronico) or a
 * certificado (Dec, dispatched to dec-documents.ts by the root element).
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { CheckResult } from '../../domain/checks.js';
import { CertificateCache } from '../../domain/efirma/certificate-cache.js';
import { CertificateParseError, parseCertificate, type EfirmaCertificate } from '../../domain/efirma/certificate.js';
import { openPrivateKey, privateKeyMatchesCertificate, PrivateKeyError } from '../../domain/efirma/private-key.js';
import { signCadena } from '../../domain/efirma/sello.js';
import { checkTitulo, type RegisteredSigner } from '../../domain/titulos/check-titulo.js';
import { signerCadenas } from '../../domain/titulos/signer-cadenas.js';
import { attr, withAttributes, type XmlElement } from '../../intake/xml-tree.js';
import { writeXml } from '../../intake/xml-writer.js';
import { parseSafeXml } from '../../intake/xml.js';
import { describe, documentProblems } from '../check-text.js';
import { CliError, EXIT } from '../cli-error.js';
import { readInput } from '../input.js';
import { decCadena, signDec, verifyDec } from './dec-documents.js';

function readDocument(file: string): XmlElement {
  const parsed = parseSafeXml(readInput(file));
  if (!parsed.ok) throw documentProblems(file, [parsed.error]);
  return parsed.root;
}

/**
 * A DEC is told by its root element's name alone (a wrong namespace is then DEC-ROOT's to report);
 * anything else is read as a título. Options that only mean something for a título are refused.
 */
function isDec(root: XmlElement, titleOptions: Record<string, boolean>): boolean {
  if (root.name !== 'Dec') return false;
  const given = Object.entries(titleOptions).flatMap(([name, set]) => (set ? [`--${name}`] : []));
  if (given.length > 0) throw new CliError(`${given.join(' and ')} only appl${given.length > 1 ? 'y' : 'ies'} to títulos; this is a certificado (Dec)`, EXIT.USAGE);
  return true;
}

function cadenasOrFail(file: string, root: XmlElement, escapeXml: boolean) {
  const result = signerCadenas(root, escapeXml);
  if (!result.ok) throw documentProblems(file, result.errors);
  return result.signers;
}

/** `cadena FILE`: a DEC's cadena, or each título signer's (prefixed by the node when several). */
export function cadena(file: string, escapeXml: boolean): number {
  const root = readDocument(file);
  if (isDec(root, { 'escape-xml': escapeXml })) {
    console.log(decCadena(file, root).cadena);
    return EXIT.OK;
  }
  const signers = cadenasOrFail(file, root, escapeXml);
  for (const signer of signers) console.log(signers.length > 1 ? `${signer.node}\t${signer.cadena}` : signer.cadena);
  return EXIT.OK;
}

interface Credential {
  readonly certificate: EfirmaCertificate & { readonly number: string };
  readonly key: KeyObject;
}

function readCredential(options: { cer: string; key: string; password: string }): Credential {
  const certificate = (() => {
    try {
      return parseCertificate(readFileSync(options.cer));
    } catch (error) {
      throw new CliError(`${options.cer}: ${error instanceof CertificateParseError ? error.message : (error as Error).message}`, EXIT.USAGE);
    }
  })();
  const key = (() => {
    try {
      return openPrivateKey(readFileSync(options.key), options.password);
    } catch (error) {
      throw new CliError(`${options.key}: ${error instanceof PrivateKeyError ? error.message : (error as Error).message}`, EXIT.USAGE);
    }
  })();
  if (!privateKeyMatchesCertificate(key, certificate)) throw new CliError(`${options.key} is not the private key of ${options.cer}`, EXIT.USAGE);
  const { number } = certificate;
  if (!number) throw new CliError(`${options.cer} has no 20-digit número de certificado`, EXIT.USAGE);
  return { certificate: { ...certificate, number }, key };
}

/**
 * `sign FILE --cer C --key K --password P [--out OUT]`: fills sello, certificadoResponsable and
 * noCertificadoResponsable: of the Dec, or of the FirmaResponsable whose curp is the certificate's.
 */
export function sign(file: string, options: { cer: string; key: string; password: string; out?: string | undefined; escapeXml: boolean }): number {
  const root = readDocument(file);
  const { certificate, key } = readCredential(options);
  const signed = isDec(root, { 'escape-xml': options.escapeXml })
    ? { root: signDec(file, root, certificate, key), node: 'Dec' }
    : signTitulo(file, root, { certificate, key }, options.escapeXml);
  const target = options.out ?? file;
  writeFileSync(target, writeXml(signed.root));
  console.log(`${target}: ${signed.node} signed by ${certificate.name ?? certificate.curp} (certificado ${certificate.number})`);
  return EXIT.OK;
}

function signTitulo(file: string, root: XmlElement, { certificate, key }: Credential, escapeXml: boolean): { root: XmlElement; node: string } {
  const signers = cadenasOrFail(file, root, escapeXml);
  const index = signers.findIndex((s) => s.curp === certificate.curp);
  const signer = signers[index];
  if (signer === undefined) {
    throw new CliError(
      `no FirmaResponsable in ${file} has curp ${certificate.curp ?? '(none)'} (the certificate's); found: ${signers.map((s) => s.curp || '(empty)').join(', ')}`,
      EXIT.USAGE,
    );
  }
  const values = { sello: signCadena(signer.cadena, key), certificadoResponsable: certificate.der.toString('base64'), noCertificadoResponsable: certificate.number };
  const signed = {
    ...root,
    children: root.children.map((child) =>
      child.name === 'FirmaResponsables'
        ? { ...child, children: child.children.filter((c) => c.name === 'FirmaResponsable').map((firma, i) => (i === index ? withAttributes(firma, values) : firma)) }
        : child,
    ),
  };
  return { root: signed, node: signer.node };
}

export interface VerifyOptions {
  readonly cveInstitucion?: string | undefined;
  readonly signers: readonly string[];
  readonly escapeXml: boolean;
  readonly verbose: boolean;
  /** The service date to check against (AAAA-MM-DD): a DEC's authentication date, a título's "today". */
  readonly today: string;
}

/** `verify FILE`: the service's checks, offline; the errors and warnings (every check with --verbose). */
export function verify(file: string, options: VerifyOptions): number {
  const root = readDocument(file);
  const titleOnly = { 'cve-institucion': options.cveInstitucion !== undefined, signer: options.signers.length > 0, 'escape-xml': options.escapeXml };
  const { checks, note } = isDec(root, titleOnly) ? verifyDec(root, options.today) : verifyTitulo(root, options);
  for (const check of checks.filter((c) => options.verbose || c.status === 'error' || c.status === 'warning')) console.log(describe(check));
  if (note) console.log(note);
  const errors = checks.filter((c) => c.status === 'error').length;
  console.log(`${file}: ${errors === 0 ? 'OK' : `${errors} error(s)`} (${checks.length} checks)`);
  return errors === 0 ? EXIT.OK : EXIT.PROBLEMS;
}

/** Without --signer the document's own certificates stand in for the registry, and folios count as free. */
function verifyTitulo(root: XmlElement, options: VerifyOptions): { checks: CheckResult[]; note: string | undefined } {
  const registered = options.signers.length > 0 ? options.signers.map((path) => readFileSync(path)) : embeddedCertificates(root);
  const signersBySha256 = new Map<string, RegisteredSigner>();
  for (const der of registered) {
    try {
      const cert = parseCertificate(der);
      signersBySha256.set(cert.sha256, { id: cert.sha256, sha256: cert.sha256, numeroCertificado: cert.number ?? '', curp: cert.curp ?? '', nombre: cert.name ?? '', active: true });
    } catch {
      // an unreadable embedded certificate is reported by FIRMA-CERT-PARSE
    }
  }
  const institucion = root.children.find((c) => c.name === 'Institucion');
  const outcome = checkTitulo(root, {
    today: options.today,
    cveInstitucion: options.cveInstitucion ?? (institucion && attr(institucion, 'cveInstitucion')) ?? '',
    signersBySha256,
    authorityCertificates: new Map(),
    renapo: null,
    cadenaEscapeXml: options.escapeXml,
    folioState: () => 'free',
    certificates: new CertificateCache(),
  });
  const note = options.signers.length === 0 ? 'note: signer registration was not checked (pass --signer CER to check against registered certificates)' : undefined;
  return { checks: outcome.checks, note };
}

function embeddedCertificates(root: XmlElement): Buffer[] {
  const firmas = root.children.find((c) => c.name === 'FirmaResponsables')?.children ?? [];
  return firmas.flatMap((f) => {
    const base64 = attr(f, 'certificadoResponsable');
    return base64 ? [Buffer.from(base64, 'base64')] : [];
  });
}
