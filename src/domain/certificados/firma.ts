/**
 * The one signer of a DEC: Ipes/Responsable, whose e.firma seals the root (spec
 * mec-certificados.md §1.2, §2.3–§2.4, §4.4). The certificate facts are the títulos ones
 * (shared/signer.ts); what differs is the registry: MEC registers one e.firma per campus (§4.6
 * Registration, P1: "one signer per campus, may be shared by all campuses").
 *
 * Order: parse → key → FIEL → número → CURP → registered for the campus → the registered e.firma
 * still valid today → valid on the expedition date → sello. When the certificate cannot be read,
 * the checks that need it are skipped, not failed.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import type { EfirmaCertificate } from '../efirma/certificate-cache.js';
import { verifySello } from '../efirma/sello.js';
import { fielProblem, isValidOn, keyProblem, readCertificate, registrationProblem, signerOf, validityInMexicoCity } from '../shared/signer.js';
import { cadenaOriginal } from './cadena.js';
import { notCheckedOffline, type DecRegistry, type OfflineDecContext, type RegisteredCampus } from './context.js';
import { decDate } from './formats.js';
import { given, type Dec } from './model.js';
import * as msg from './sep-messages.js';

const ROOT = 'Dec';
const CERTIFICADO = 'certificadoResponsable';

const DEPENDENT_CODES: readonly CheckCode[] = [
  'DEC-FIRMA-CERT-KEY',
  'DEC-FIRMA-CERT-FIEL',
  'DEC-FIRMA-CERT-NUMERO',
  'DEC-FIRMA-CERT-CURP',
  'DEC-FIRMA-CERT-REGISTRADO',
  'DEC-FIRMA-CAMPUS-VENCIDA',
  'DEC-FIRMA-CERT-VIGENCIA',
  'DEC-FIRMA-SELLO',
];

/** `registry` null (offline): the certificate is checked on its own, its registration is skipped. */
export function checkFirma(d: Dec, campus: RegisteredCampus | undefined, ctx: OfflineDecContext, registry: DecRegistry | null, out: CheckResult[]): void {
  const cert = parse(d, ctx, out);
  if (cert === undefined) {
    for (const code of DEPENDENT_CODES) out.push(skip(code, 'certificadoResponsable could not be read, so this was not checked', { node: ROOT }));
    return;
  }
  const where = { node: ROOT, attribute: CERTIFICADO };

  const key = keyProblem(cert);
  if (key === null) out.push(ok('DEC-FIRMA-CERT-KEY', `RSA ${cert.keyBits}-bit key`, where));
  else out.push(fail('DEC-FIRMA-CERT-KEY', `The key is ${key.found} bits; ${key.expected} bits is required`, msg.certificateKeyInvalid(key.found), { ...where, ...key }));

  const fiel = fielProblem(cert);
  if (fiel === null) out.push(ok('DEC-FIRMA-CERT-FIEL', 'e.firma (FIEL) of a persona física', where));
  else {
    out.push(
      fail('DEC-FIRMA-CERT-FIEL', `The certificate is ${cert.kind} of a persona ${cert.persona}; the DEC is sealed with the responsible person's e.firma (FIEL), not a CSD (§2.3)`, msg.certificateNotFiel(), {
        ...where,
        ...fiel,
      }),
    );
  }

  checkNumero(d, cert, out);
  checkCurp(d, cert, out);
  if (registry === null) {
    out.push(notCheckedOffline('DEC-FIRMA-CERT-REGISTRADO', where), notCheckedOffline('DEC-FIRMA-CAMPUS-VENCIDA', where));
  } else {
    const registered = checkRegistrado(d, cert, campus, registry, out);
    checkCampusVigente(d, cert, registered, ctx.today, out);
  }
  checkVigencia(d, cert, out);
  checkSello(d, cert, out);
}

function parse(d: Dec, ctx: OfflineDecContext, out: CheckResult[]): EfirmaCertificate | undefined {
  const where = { node: ROOT, attribute: CERTIFICADO };
  if (!given(d.certificadoResponsable)) {
    out.push(skip('DEC-FIRMA-CERT-PARSE', 'certificadoResponsable is missing', where));
    return undefined;
  }
  const reading = readCertificate(ctx.certificates, d.certificadoResponsable);
  if (reading.ok) {
    out.push(ok('DEC-FIRMA-CERT-PARSE', `certificate ${reading.cert.number ?? reading.cert.serialHex} read`, where));
    return reading.cert;
  }
  out.push(fail('DEC-FIRMA-CERT-PARSE', `certificadoResponsable is not a base64 DER certificate: ${reading.reason}`, msg.certificateUnreadable(), where));
  return undefined;
}

function checkNumero(d: Dec, cert: EfirmaCertificate, out: CheckResult[]): void {
  const attribute = 'noCertificadoResponsable';
  const written = d.noCertificadoResponsable;
  const where = { node: ROOT, attribute };
  if (!given(written)) out.push(skip('DEC-FIRMA-CERT-NUMERO', 'noCertificadoResponsable is missing', where));
  else if (written === cert.number) out.push(ok('DEC-FIRMA-CERT-NUMERO', "noCertificadoResponsable is the certificate's number", where));
  else {
    out.push(
      fail('DEC-FIRMA-CERT-NUMERO', `noCertificadoResponsable ${written} is not the number read from the certificate serial (§2.4)`, msg.invalidValue(attribute, ROOT, written), {
        ...where,
        expected: cert.number ?? `(the serial ${cert.serialHex} is not a SAT número de certificado)`,
        found: written,
      }),
    );
  }
}

function checkCurp(d: Dec, cert: EfirmaCertificate, out: CheckResult[]): void {
  const written = d.responsable.curp;
  const where = { node: 'Responsable', attribute: 'curp' };
  if (!given(written)) out.push(skip('DEC-FIRMA-CERT-CURP', 'Responsable/@curp is missing', where));
  else if (written === cert.curp) out.push(ok('DEC-FIRMA-CERT-CURP', "Responsable/@curp is the certificate's CURP", where));
  else {
    const inCert = cert.curp ?? '';
    out.push(
      fail('DEC-FIRMA-CERT-CURP', `Responsable/@curp ${written} is not the CURP in the certificate (${inCert || 'none'})`, msg.curpNotCertificate(written, inCert), {
        ...where,
        expected: inCert,
        found: written,
      }),
    );
  }
}

/** The certificate must be the active e.firma registered for THIS campus (same DER, by SHA-256). True when it is. */
function checkRegistrado(d: Dec, cert: EfirmaCertificate, campus: RegisteredCampus | undefined, ctx: DecRegistry, out: CheckResult[]): boolean {
  const idCampus = d.ipes.idCampus ?? '';
  const where = { node: ROOT, attribute: CERTIFICADO, detail: { sha256: cert.sha256, numeroCertificado: cert.number, idCampus } };
  if (campus === undefined) {
    out.push(skip('DEC-FIRMA-CERT-REGISTRADO', 'The campus is not registered: its e.firma is unknown', where));
    return false;
  }
  let problem: string | undefined;
  if (campus.signer === null) {
    problem = `no e.firma is registered for campus ${idCampus}`;
  } else if (campus.signer.sha256 !== cert.sha256) {
    const elsewhere = ctx.signersBySha256.get(cert.sha256);
    problem = elsewhere
      ? `the certificate is registered for this institution (signer ${elsewhere.id}) but is not campus ${idCampus}'s e.firma`
      : `the certificate is not campus ${idCampus}'s registered e.firma (${campus.signer.numeroCertificado})`;
  } else {
    const reason = registrationProblem(campus.signer, cert);
    if (reason !== undefined) problem = `the certificate ${reason}`;
  }
  if (problem === undefined) {
    out.push(ok('DEC-FIRMA-CERT-REGISTRADO', `The certificate is campus ${idCampus}'s active registered e.firma`, where));
    return true;
  }
  out.push(fail('DEC-FIRMA-CERT-REGISTRADO', problem, msg.signerNotRegistered(idCampus, cert.number ?? cert.serialHex), where));
  return false;
}

/**
 * The campus's registered e.firma must still be valid on the authentication date: a DEC signed
 * before it expired still cannot be authenticated with it, and the remedy is to register the new
 * one (§4.6 Registration; S3 tracks expiry for this reason, §4.5).
 */
function checkCampusVigente(d: Dec, cert: EfirmaCertificate, registered: boolean, today: string, out: CheckResult[]): void {
  const idCampus = d.ipes.idCampus ?? '';
  if (!registered) {
    out.push(skip('DEC-FIRMA-CAMPUS-VENCIDA', "The certificate is not the campus's registered e.firma", { node: ROOT, attribute: CERTIFICADO }));
    return;
  }
  const { to } = validityInMexicoCity(cert);
  const where = { node: ROOT, attribute: CERTIFICADO, expected: `valid on ${today}`, found: `valid until ${to}` };
  if (to >= today) out.push(ok('DEC-FIRMA-CAMPUS-VENCIDA', `Campus ${idCampus}'s registered e.firma is valid until ${to}`, where));
  else {
    out.push(
      fail('DEC-FIRMA-CAMPUS-VENCIDA', `Campus ${idCampus}'s registered e.firma expired on ${to}, before the authentication date ${today}`, msg.campusEfirmaExpired(idCampus, to), where),
    );
  }
}

function checkVigencia(d: Dec, cert: EfirmaCertificate, out: CheckResult[]): void {
  const fecha = decDate(d.expedicion.fecha);
  if (fecha === undefined) {
    out.push(skip('DEC-FIRMA-CERT-VIGENCIA', 'Expedicion/@fecha is missing or not a date', { node: ROOT, attribute: CERTIFICADO }));
    return;
  }
  const { from, to } = validityInMexicoCity(cert);
  const where = { node: ROOT, attribute: CERTIFICADO, expected: `${from} … ${to}`, found: fecha };
  if (isValidOn(cert, fecha)) out.push(ok('DEC-FIRMA-CERT-VIGENCIA', `The certificate is valid on Expedicion/@fecha ${fecha}`, where));
  else out.push(fail('DEC-FIRMA-CERT-VIGENCIA', `The certificate (valid ${from} to ${to}) is not valid on Expedicion/@fecha ${fecha}`, msg.certificateNotValidOn(fecha), where));
}

function checkSello(d: Dec, cert: EfirmaCertificate, out: CheckResult[]): void {
  const where = { node: ROOT, attribute: 'sello' };
  if (!given(d.sello)) {
    out.push(skip('DEC-FIRMA-SELLO', 'sello is missing', where));
    return;
  }
  const cadena = cadenaOriginal(d);
  if (verifySello(cadena, d.sello, cert.publicKey)) {
    out.push(ok('DEC-FIRMA-SELLO', 'sello verifies over the cadena original', where));
  } else {
    out.push(
      fail('DEC-FIRMA-SELLO', 'sello does not verify over the cadena rebuilt from the DEC (data edited after signing, another field order or a cadena built from other values than the XML, §5 #1, #3)', msg.selloInvalid(), {
        ...where,
        detail: { cadena, signer: signerOf(cert) },
      }),
    );
  }
}
