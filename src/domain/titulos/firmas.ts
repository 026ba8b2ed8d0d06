/**
 * Each FirmaResponsable's certificate and sello (spec §2.4, §3.3–§3.6, §5.1). SEP reports these
 * through its "Bus criptográfico"; its texts are verbatim where SEP was seen to answer them.
 *
 * Order per signer: parse → key → FIEL → número → CURP → registered → vigencia → sello. When the
 * certificate cannot be read, the checks that need it are skipped, not failed.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import type { EfirmaCertificate } from '../efirma/certificate-cache.js';
import { verifySello } from '../efirma/sello.js';
import { fielProblem, isValidOn, keyProblem, readCertificate, registrationProblem, signerOf, validityInMexicoCity } from '../shared/signer.js';
import { cadenaForSigner, type CadenaParts } from './cadena.js';
import type { TituloDocumentContext } from './context.js';
import { given, type FirmaResponsable } from './model.js';
import * as msg from './sep-messages.js';

const DEPENDENT_CODES: readonly CheckCode[] = [
  'FIRMA-CERT-KEY',
  'FIRMA-CERT-FIEL',
  'FIRMA-CERT-NUMERO',
  'FIRMA-CERT-CURP',
  'FIRMA-CERT-REGISTRADO',
  'FIRMA-CERT-VIGENCIA',
  'FIRMA-SELLO',
];

/** Re-exported for callers that read it from here; it lives in shared/signer.ts. */
export { validityInMexicoCity };

export interface FirmaInputs {
  readonly cadena: CadenaParts;
  /** Expedicion/@fechaExpedicion when it is a valid date, else undefined (vigencia is then skipped). */
  readonly fechaExpedicion: string | undefined;
}

export function checkFirmas(firmas: readonly FirmaResponsable[], inputs: FirmaInputs, ctx: TituloDocumentContext, out: CheckResult[]): void {
  for (const firma of firmas) checkFirma(firma, inputs, ctx, out);
}

function checkFirma(firma: FirmaResponsable, inputs: FirmaInputs, ctx: TituloDocumentContext, out: CheckResult[]): void {
  const node = firma.node;
  const cert = parse(firma, ctx, out);
  if (cert === undefined) {
    for (const code of DEPENDENT_CODES) {
      out.push(skip(code, `${node}: certificadoResponsable could not be read, so this was not checked`, { node }));
    }
    return;
  }
  const signer = signerOf(cert);

  const key = keyProblem(cert);
  if (key === null) {
    out.push(ok('FIRMA-CERT-KEY', `${node}: RSA ${cert.keyBits}-bit key`, { node }));
  } else {
    out.push(
      fail('FIRMA-CERT-KEY', `${node}: the key is ${key.found} bits; ${key.expected} bits is required`, msg.BUS_CERTIFICATE_NOT_REGISTERED, {
        node,
        attribute: 'certificadoResponsable',
        ...key,
      }),
    );
  }

  const fiel = fielProblem(cert);
  if (fiel === null) {
    out.push(ok('FIRMA-CERT-FIEL', `${node}: e.firma (FIEL) of a persona física`, { node }));
  } else {
    out.push(
      fail('FIRMA-CERT-FIEL', `${node}: the certificate is ${cert.kind} of a persona ${cert.persona}; sellos are made with an e.firma (FIEL) of a persona física (§3.5)`, msg.BUS_CERTIFICATE_NOT_REGISTERED, {
        node,
        attribute: 'certificadoResponsable',
        ...fiel,
      }),
    );
  }

  checkNumero(firma, cert, out);
  checkCurp(firma, cert, out);
  checkRegistrado(firma, cert, ctx, out);
  checkVigencia(firma, cert, inputs.fechaExpedicion, out);

  if (!given(firma.sello)) {
    out.push(skip('FIRMA-SELLO', `${node}: sello is missing`, { node, attribute: 'sello' }));
    return;
  }
  const cadena = cadenaForSigner(inputs.cadena, firma);
  if (verifySello(cadena, firma.sello, cert.publicKey)) {
    out.push(ok('FIRMA-SELLO', `${node}: sello verifies over this signer's cadena original`, { node, attribute: 'sello' }));
  } else {
    out.push(
      fail('FIRMA-SELLO', `${node}: sello does not verify over the cadena rebuilt from the document (data edited after signing, other field order, escaping, or dates with a zone)`, msg.BUS_SELLO_NOT_AUTHENTICATED, {
        node,
        attribute: 'sello',
        detail: { cadena, signer },
      }),
    );
  }
}

function parse(firma: FirmaResponsable, ctx: TituloDocumentContext, out: CheckResult[]): EfirmaCertificate | undefined {
  const node = firma.node;
  if (!given(firma.certificadoResponsable)) {
    out.push(skip('FIRMA-CERT-PARSE', `${node}: certificadoResponsable is missing`, { node, attribute: 'certificadoResponsable' }));
    return undefined;
  }
  const reading = readCertificate(ctx.certificates, firma.certificadoResponsable);
  if (reading.ok) {
    const cert = reading.cert;
    out.push(ok('FIRMA-CERT-PARSE', `${node}: certificate ${cert.number ?? cert.serialHex} read`, { node, attribute: 'certificadoResponsable' }));
    return cert;
  }
  out.push(
    fail('FIRMA-CERT-PARSE', `${node}: certificadoResponsable is not a base64 DER certificate: ${reading.reason}`, msg.BUS_CERTIFICATE_NOT_REGISTERED, {
      node,
      attribute: 'certificadoResponsable',
    }),
  );
  return undefined;
}

function checkNumero(firma: FirmaResponsable, cert: EfirmaCertificate, out: CheckResult[]): void {
  const node = firma.node;
  const attribute = 'noCertificadoResponsable';
  const written = firma.noCertificadoResponsable;
  if (!given(written)) {
    out.push(skip('FIRMA-CERT-NUMERO', `${node}: noCertificadoResponsable is missing`, { node, attribute }));
  } else if (written === cert.number) {
    out.push(ok('FIRMA-CERT-NUMERO', `${node}: noCertificadoResponsable is the certificate's number`, { node, attribute }));
  } else {
    out.push(
      fail('FIRMA-CERT-NUMERO', `${node}: noCertificadoResponsable ${written} is not the number read from the certificate serial`, msg.invalidValue(attribute, node, written), {
        node,
        attribute,
        expected: cert.number ?? `(the serial ${cert.serialHex} is not a SAT número de certificado)`,
        found: written,
      }),
    );
  }
}

function checkCurp(firma: FirmaResponsable, cert: EfirmaCertificate, out: CheckResult[]): void {
  const node = firma.node;
  const written = firma.curp;
  if (!given(written)) {
    out.push(skip('FIRMA-CERT-CURP', `${node}: curp is missing`, { node, attribute: 'curp' }));
  } else if (written === cert.curp) {
    out.push(ok('FIRMA-CERT-CURP', `${node}: curp is the certificate's CURP`, { node, attribute: 'curp' }));
  } else {
    const inCert = cert.curp ?? '';
    out.push(
      fail('FIRMA-CERT-CURP', `${node}: curp ${written} is not the CURP in the certificate (${inCert || 'none'})`, msg.busCurpMismatch(written, inCert), {
        node,
        attribute: 'curp',
        expected: inCert,
        found: written,
      }),
    );
  }
}

function checkRegistrado(firma: FirmaResponsable, cert: EfirmaCertificate, ctx: TituloDocumentContext, out: CheckResult[]): void {
  const node = firma.node;
  const registered = ctx.signersBySha256.get(cert.sha256);
  const where = { node, attribute: 'certificadoResponsable', detail: { sha256: cert.sha256, numeroCertificado: cert.number } };
  const reason = registrationProblem(registered, cert);
  const problem = reason === 'is not registered' ? 'is not registered as a signer of this institution' : reason;
  if (problem === undefined) {
    out.push(ok('FIRMA-CERT-REGISTRADO', `${node}: registered, active signer ${registered?.id ?? ''}`, where));
  } else {
    out.push(fail('FIRMA-CERT-REGISTRADO', `${node}: the certificate ${problem}`, msg.BUS_CERTIFICATE_NOT_REGISTERED, where));
  }
}

function checkVigencia(firma: FirmaResponsable, cert: EfirmaCertificate, fechaExpedicion: string | undefined, out: CheckResult[]): void {
  const node = firma.node;
  if (fechaExpedicion === undefined) {
    out.push(skip('FIRMA-CERT-VIGENCIA', `${node}: fechaExpedicion is missing or not a date`, { node }));
    return;
  }
  const { from, to } = validityInMexicoCity(cert);
  const where = { node, attribute: 'certificadoResponsable', expected: `${from} … ${to}`, found: fechaExpedicion };
  if (isValidOn(cert, fechaExpedicion)) {
    out.push(ok('FIRMA-CERT-VIGENCIA', `${node}: the certificate is valid on fechaExpedicion ${fechaExpedicion}`, where));
  } else {
    out.push(
      fail('FIRMA-CERT-VIGENCIA', `${node}: the certificate (valid ${from} to ${to}) is not valid on fechaExpedicion ${fechaExpedicion}`, msg.BUS_CERTIFICATE_NOT_REGISTERED, where),
    );
  }
}
