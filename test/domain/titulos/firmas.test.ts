import t from 'tap';
import { createHash } from 'node:crypto';
import { errorsOf } from '../../../src/domain/checks.js';
import { CertificateCache } from '../../../src/domain/efirma/certificate-cache.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { addDays, fixtureCadena, getAttribute, registeredSigner, setAttribute } from '../../support/titulo-fixture.js';
import { TODAY, assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const BUS_NO_REGISTRADO = 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido';
const BUS_SECUENCIA = 'Error Bus criptografico: La Secuencia no ha sido autenticada';
const FECHA_EXPEDICION = addDays(TODAY, -1);

const signer = mintSigner();
const second = mintSigner();
const base = build([signer]);
const ctx = context([signer]);

t.test('a CSD instead of the e.firma', async (t) => {
  const csd = mintSigner({ kind: 'CSD', curp: signer.curp, name: signer.name });
  const r = assertOnly(t, run(build([csd]).root, context([csd])), 'FIRMA-CERT-FIEL', BUS_NO_REGISTRADO);
  t.equal(r.found, 'CSD FISICA');
  t.equal(r.expected, 'FIEL FISICA');
});

t.test("a persona moral's e.firma", async (t) => {
  const moral = mintSigner({ persona: 'MORAL' });
  const r = assertOnly(t, run(build([moral]).root, context([moral])), 'FIRMA-CERT-FIEL', BUS_NO_REGISTRADO);
  t.equal(r.found, 'FIEL MORAL');
});

t.test('a wrong noCertificadoResponsable: expected is the number read from the serial', async (t) => {
  const r = assertOnly(
    t,
    run(setAttribute(base.root, 'FirmaResponsable', 'noCertificadoResponsable', second.number), ctx),
    'FIRMA-CERT-NUMERO',
    `Número de certificado del responsable no válido en el nodo FirmaResponsables: ${second.number}`,
  );
  t.equal(r.expected, signer.number);
  t.equal(r.found, second.number);
});

t.test('the XML CURP is not the certificate CURP', async (t) => {
  const root = base.resign(setAttribute(base.root, 'FirmaResponsable', 'curp', second.curp));
  const r = assertOnly(t, run(root, ctx), 'FIRMA-CERT-CURP', `Error Bus criptografico: La Curp del ${second.curp} no es igual a: ${signer.curp}`);
  t.equal(r.expected, signer.curp);
  t.equal(r.found, second.curp);
});

t.test('registration: unregistered, revoked, registered under another CURP', async (t) => {
  const unregistered = assertOnly(t, run(base.root, context([second])), 'FIRMA-CERT-REGISTRADO', BUS_NO_REGISTRADO);
  t.match(unregistered.explanation, 'is not registered');
  t.equal(unregistered.detail?.['sha256'], createHash('sha256').update(signer.cerDer).digest('hex'));

  const revoked = assertOnly(t, run(base.root, context([], { registered: [registeredSigner(signer, { active: false })] })), 'FIRMA-CERT-REGISTRADO', BUS_NO_REGISTRADO);
  t.match(revoked.explanation, 'revoked');

  const otherCurp = assertOnly(t, run(base.root, context([], { registered: [registeredSigner(signer, { curp: second.curp })] })), 'FIRMA-CERT-REGISTRADO', BUS_NO_REGISTRADO);
  t.match(otherCurp.explanation, `registered under CURP ${second.curp}`);
});

t.test('vigencia: expired at fechaExpedicion, not yet valid, and the Mexico City day boundary', async (t) => {
  const expired = mintSigner({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2024-12-31T23:59:59Z') });
  const r = assertOnly(t, run(build([expired]).root, context([expired])), 'FIRMA-CERT-VIGENCIA', BUS_NO_REGISTRADO);
  t.equal(r.found, FECHA_EXPEDICION);
  t.equal(r.expected, '2019-12-31 … 2024-12-31', 'validity as Mexico City dates');

  // 05:00Z on the day after fechaExpedicion is 23:00 of fechaExpedicion in Mexico City: valid that day.
  const lateThatDay = mintSigner({ notBefore: new Date(`${TODAY}T05:00:00Z`) });
  t.same(errorCodes(run(build([lateThatDay]).root, context([lateThatDay])).checks), []);
  const nextDay = mintSigner({ notBefore: new Date(`${TODAY}T06:00:00Z`) });
  assertOnly(t, run(build([nextDay]).root, context([nextDay])), 'FIRMA-CERT-VIGENCIA', BUS_NO_REGISTRADO);
});

t.test('a sello over a cadena with an edited name: detail carries the recomputed cadena', async (t) => {
  const root = setAttribute(base.root, 'Profesionista', 'nombre', 'JUAN CARLOS');
  const renapo = new Map([['PEGJ950314HDFRRN07', { nombre: 'JUAN CARLOS', primerApellido: 'PEREZ', segundoApellido: 'GARCIA' }]]);
  const r = assertOnly(t, run(root, context([signer], { renapo })), 'FIRMA-SELLO', BUS_SECUENCIA);
  const cadena = fixtureCadena(root, 0);
  t.match(cadena, '|PEGJ950314HDFRRN07|JUAN CARLOS|PEREZ|');
  t.equal(r.detail?.['cadena'], cadena);
  const cert = parseCertificate(signer.cerDer);
  t.same(r.detail?.['signer'], { numeroCertificado: signer.number, curp: signer.curp, nombre: cert.name, sha256: cert.sha256 });
  t.equal(r.node, 'FirmaResponsable');
  const okSello = run(base.root, ctx).checks.find((c) => c.code === 'FIRMA-SELLO');
  t.equal(okSello?.detail, undefined, 'no cadena stored when the sello verifies');
});

t.test('two signers: each signs its own cadena; a wrong second sello is reported on FirmaResponsable[2]', async (t) => {
  const two = build([signer, second]);
  const bothCtx = context([signer, second]);
  const valid = run(two.root, bothCtx);
  t.same(errorCodes(valid.checks), []);
  t.same(
    valid.checks.filter((c) => c.code === 'FIRMA-SELLO').map((c) => c.node),
    ['FirmaResponsable[1]', 'FirmaResponsable[2]'],
  );
  t.not(fixtureCadena(two.root, 0), fixtureCadena(two.root, 1));

  const swapped = setAttribute(two.root, 'FirmaResponsable[2]', 'sello', getAttribute(two.root, 'FirmaResponsable[1]', 'sello') ?? '');
  const outcome = run(swapped, bothCtx);
  const r = assertOnly(t, outcome, 'FIRMA-SELLO', BUS_SECUENCIA);
  t.equal(r.node, 'FirmaResponsable[2]');
  t.equal(errorsOf(outcome.checks).length, 1);
  t.equal(r.detail?.['cadena'], fixtureCadena(swapped, 1));

  const cargo = run(two.resign(setAttribute(two.root, 'FirmaResponsable[2]', 'cargo', 'RESPONSABLE DE EXPEDICIÓN ')), bothCtx);
  t.equal(errorsOf(cargo.checks)[0]?.node, 'FirmaResponsable[2]');
  t.equal(errorsOf(cargo.checks)[0]?.sepMessage, 'Nombre de cargo no válido en el nodo FirmaResponsables: RESPONSABLE DE EXPEDICIÓN ');
});

t.test('escaping on and off with & in nombreInstitucion', async (t) => {
  const amp = (v: { institucion: Record<string, string | undefined> }) => void (v.institucion['nombreInstitucion'] = 'ESCUELA LIBRE DE ARTES & OFICIOS');
  const raw = build([signer], { edit: amp });
  const escaped = build([signer], { edit: amp, escapeXml: true });
  t.not(getAttribute(raw.root, 'FirmaResponsable', 'sello'), getAttribute(escaped.root, 'FirmaResponsable', 'sello'));

  t.same(errorCodes(run(raw.root, context([signer], { cadenaEscapeXml: false })).checks), []);
  t.same(errorCodes(run(escaped.root, context([signer], { cadenaEscapeXml: true })).checks), []);

  const mismatch = assertOnly(t, run(raw.root, context([signer], { cadenaEscapeXml: true })), 'FIRMA-SELLO', BUS_SECUENCIA);
  t.match(mismatch.detail?.['cadena'], '|ESCUELA LIBRE DE ARTES &amp; OFICIOS|');
  const other = assertOnly(t, run(escaped.root, context([signer], { cadenaEscapeXml: false })), 'FIRMA-SELLO', BUS_SECUENCIA);
  t.match(other.detail?.['cadena'], '|ESCUELA LIBRE DE ARTES & OFICIOS|');
});

t.test('an unreadable certificate skips the checks that need it', async (t) => {
  const outcome = run(setAttribute(base.root, 'FirmaResponsable', 'certificadoResponsable', 'not base64!'), ctx);
  assertOnly(t, outcome, 'FIRMA-CERT-PARSE', BUS_NO_REGISTRADO);
  const firma = outcome.checks.filter((c) => c.code.startsWith('FIRMA-'));
  t.same(
    firma.map((c) => `${c.code}:${c.status}`),
    [
      'FIRMA-CERT-PARSE:error',
      'FIRMA-CERT-KEY:skipped',
      'FIRMA-CERT-FIEL:skipped',
      'FIRMA-CERT-NUMERO:skipped',
      'FIRMA-CERT-CURP:skipped',
      'FIRMA-CERT-REGISTRADO:skipped',
      'FIRMA-CERT-VIGENCIA:skipped',
      'FIRMA-SELLO:skipped',
    ],
  );
});

t.test('certificates are parsed through the context cache', async (t) => {
  const cache = new CertificateCache();
  const c = context([signer], { certificates: cache });
  run(base.root, c);
  run(base.root, c);
  t.equal(cache.size, 1);
});

t.test('the signer registry is matched by the certificate hash, not by number or CURP', async (t) => {
  const lookalike = registeredSigner(signer, { sha256: createHash('sha256').update(second.cerDer).digest('hex') });
  assertOnly(t, run(base.root, context([], { registered: [lookalike] })), 'FIRMA-CERT-REGISTRADO', BUS_NO_REGISTRADO);
});
