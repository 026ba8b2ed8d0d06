import { readFileSync, writeFileSync } from 'node:fs';
import { AdjustableClock } from '../../clock.js';
import type { CheckResult } from '../../domain/checks.js';
import { mexicoCityDate } from '../../domain/dates.js';
import { CertificateCache } from '../../domain/efirma/certificate-cache.js';
import { CertificateParseError, parseCertificate } from '../../domain/efirma/certificate.js';
import { openPrivateKey, privateKeyMatchesCertificate, PrivateKeyError } from '../../domain/efirma/private-key.js';
import { signCadena } from '../../domain/efirma/sello.js';
import { checkTitulo, type RegisteredSigner } from '../../domain/titulos/check-titulo.js';
import { signerCadenas } from '../../domain/titulos/signer-cadenas.js';
import { attr, type XmlElement } from '../../intake/xml-tree.js';
import { writeXml } from '../../intake/xml-writer.js';
import { parseSafeXml } from '../../intake/xml.js';
import { CliError, EXIT } from '../cli-error.js';

function readDocument(file: string): XmlElement {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.USAGE);
  }
  const parsed = parseSafeXml(bytes);
  if (!parsed.ok) throw new CliError(`${file}: ${describe(parsed.error)}`, EXIT.PROBLEMS);
  return parsed.root;
}

function cadenasOrFail(file: string, root: XmlElement, escapeXml: boolean) {
  const result = signerCadenas(root, escapeXml);
  if (!result.ok) throw new CliError(`${file}: ${result.errors.map(describe).join('\n  ')}`, EXIT.PROBLEMS);
  return result.signers;
}

/** `cadena FILE`: each signer's cadena original, one per line (prefixed by the node when several). */
export function cadena(file: string, escapeXml: boolean): number {
  const signers = cadenasOrFail(file, readDocument(file), escapeXml);
  for (const signer of signers) console.log(signers.length > 1 ? `${signer.node}\t${signer.cadena}` : signer.cadena);
  return EXIT.OK;
}

/**
 * `sign FILE --cer C --key K --password P [--out OUT]`: fills sello, certificadoResponsable and
 * noCertificadoResponsable of the FirmaResponsable whose curp is the certificate's CURP.
 */
export function sign(file: string, options: { cer: string; key: string; password: string; out?: string | undefined; escapeXml: boolean }): number {
  const root = readDocument(file);
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
  if (!certificate.number) throw new CliError(`${options.cer} has no 20-digit número de certificado`, EXIT.USAGE);

  const signers = cadenasOrFail(file, root, options.escapeXml);
  const index = signers.findIndex((s) => s.curp === certificate.curp);
  if (index < 0) {
    throw new CliError(
      `no FirmaResponsable in ${file} has curp ${certificate.curp ?? '(none)'} (the certificate's); found: ${signers.map((s) => s.curp || '(empty)').join(', ')}`,
      EXIT.USAGE,
    );
  }
  const signed = setFirmaAttributes(root, index, {
    sello: signCadena(signers[index]!.cadena, key),
    certificadoResponsable: certificate.der.toString('base64'),
    noCertificadoResponsable: certificate.number,
  });
  const target = options.out ?? file;
  writeFileSync(target, writeXml(signed));
  console.log(`${target}: ${signers[index]!.node} signed by ${certificate.name ?? certificate.curp} (certificado ${certificate.number})`);
  return EXIT.OK;
}

/**
 * `verify FILE [--cve-institucion C] [--signer CER...]`: the service's checks, offline. Without
 * --signer the document's own certificates stand in for the registry, and folios count as free.
 */
export function verify(file: string, options: { cveInstitucion?: string | undefined; signers: readonly string[]; escapeXml: boolean; verbose: boolean }): number {
  const root = readDocument(file);
  const certificates = new CertificateCache();
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
    today: mexicoCityDate(new AdjustableClock().now()),
    cveInstitucion: options.cveInstitucion ?? (institucion && attr(institucion, 'cveInstitucion')) ?? '',
    signersBySha256,
    authorityCertificates: new Map(),
    renapo: null,
    cadenaEscapeXml: options.escapeXml,
    folioState: () => 'free',
    certificates,
  });
  const shown = outcome.checks.filter((c) => options.verbose || c.status === 'error' || c.status === 'warning');
  for (const check of shown) console.log(describe(check));
  const errors = outcome.checks.filter((c) => c.status === 'error').length;
  if (options.signers.length === 0) console.log('note: signer registration was not checked (pass --signer CER to check against registered certificates)');
  console.log(`${file}: ${errors === 0 ? 'OK' : `${errors} error(s)`} (${outcome.checks.length} checks)`);
  return errors === 0 ? EXIT.OK : EXIT.PROBLEMS;
}

function embeddedCertificates(root: XmlElement): Buffer[] {
  const firmas = root.children.find((c) => c.name === 'FirmaResponsables')?.children ?? [];
  return firmas.flatMap((f) => {
    const base64 = attr(f, 'certificadoResponsable');
    return base64 ? [Buffer.from(base64, 'base64')] : [];
  });
}

function setFirmaAttributes(root: XmlElement, index: number, values: Record<string, string>): XmlElement {
  const withValues = (element: XmlElement): XmlElement => {
    const attributes = element.attributes.map((a) => (a.name in values ? { name: a.name, value: values[a.name]! } : a));
    for (const [name, value] of Object.entries(values)) if (!attributes.some((a) => a.name === name)) attributes.push({ name, value });
    return { ...element, attributes };
  };
  return {
    ...root,
    children: root.children.map((child) =>
      child.name === 'FirmaResponsables'
        ? { ...child, children: child.children.filter((c) => c.name === 'FirmaResponsable').map((firma, i) => (i === index ? withValues(firma) : firma)) }
        : child,
    ),
  };
}

export function describe(check: CheckResult): string {
  const where = [check.node, check.attribute].filter(Boolean).join('/@');
  const lines = [`${check.status.toUpperCase()} ${check.code}${where ? ` at ${where}` : ''}: ${check.explanation}`];
  if (check.expected !== undefined) lines.push(`    expected: ${JSON.stringify(check.expected)}`);
  if (check.found !== undefined) lines.push(`    found:    ${JSON.stringify(check.found)}`);
  if (check.sepMessage) lines.push(`    SEP:      ${check.sepMessage}`);
  if (typeof check.detail?.['cadena'] === 'string') lines.push(`    cadena:   ${check.detail['cadena']}`);
  return lines.join('\n');
}
