import t from 'tap';
import { createHash } from 'node:crypto';
import { CertificateCache } from '../../../src/domain/efirma/certificate-cache.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { addDays, decRegisteredSigner, fixtureCadena, setAttribute } from '../../support/dec-fixture.js';
import { TODAY, assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const second = mintSigner();
const base = build(signer);
const notRegistered = `La e.firma del responsable no está registrada para el campus 150840: ${signer.number}`;

t.test('registration: none for the campus, revoked, under another CURP, another campus only', async (t) => {
  const none = assertOnly(t, run(base.root, context(undefined, { signer: null })), 'DEC-FIRMA-CERT-REGISTRADO', notRegistered);
  t.match(none.explanation, 'no e.firma is registered for campus 150840');

  const revoked = assertOnly(t, run(base.root, context(undefined, { signer: decRegisteredSigner(signer, { active: false }) })), 'DEC-FIRMA-CERT-REGISTRADO', notRegistered);
  t.match(revoked.explanation, 'revoked');

  const curp = assertOnly(t, run(base.root, context(undefined, { signer: decRegisteredSigner(signer, { curp: second.curp }) })), 'DEC-FIRMA-CERT-REGISTRADO', notRegistered);
  t.match(curp.explanation, `registered under CURP ${second.curp}`);

  const campuses = {
    '150840': { idEntidadFederativa: '15', signer: decRegisteredSigner(second) },
    '150841': { idEntidadFederativa: '15', signer: decRegisteredSigner(signer) },
  };
  const elsewhere = assertOnly(t, run(base.root, context(undefined, { campuses })), 'DEC-FIRMA-CERT-REGISTRADO', notRegistered);
  t.match(elsewhere.explanation, "is not campus 150840's e.firma");
  t.equal(elsewhere.detail?.['sha256'], createHash('sha256').update(signer.cerDer).digest('hex'));
});

t.test('one e.firma may serve every campus', async (t) => {
  const shared = decRegisteredSigner(signer);
  const campuses = { '150840': { idEntidadFederativa: '15', signer: shared }, '150841': { idEntidadFederativa: '09', signer: shared } };
  t.same(errorCodes(run(base.root, context(undefined, { campuses })).checks), []);
  const other = base.resign(setAttribute(setAttribute(base.root, 'Ipes', 'idCampus', '150841'), 'Ipes', 'idEntidadFederativa', '09'));
  t.same(errorCodes(run(setAttribute(other, 'Ipes', 'entidadFederativa', 'CIUDAD DE MÉXICO'), context(undefined, { campuses })).checks), []);
});

t.test('vigencia on the expedition date uses Mexico City days', async (t) => {
  const fecha = addDays(TODAY, -2);
  // 05:00Z the day after the expedition date is 23:00 of that day in Mexico City: valid that day.
  const lateThatDay = mintSigner({ notBefore: new Date(`${addDays(fecha, 1)}T05:00:00Z`) });
  t.same(errorCodes(run(build(lateThatDay).root, context(lateThatDay)).checks), []);
  const nextDay = mintSigner({ notBefore: new Date(`${addDays(fecha, 1)}T06:00:00Z`) });
  const r = assertOnly(t, run(build(nextDay).root, context(nextDay)), 'DEC-FIRMA-CERT-VIGENCIA', `La e.firma del responsable no estaba vigente en la fecha de expedición: ${fecha}`);
  t.equal(r.expected, `${addDays(fecha, 1)} … 2030-12-31`);
});

t.test('an e.firma that expires today is still valid today', async (t) => {
  const lastDay = mintSigner({ notAfter: new Date(`${TODAY}T23:00:00Z`) });
  t.same(errorCodes(run(build(lastDay).root, context(lastDay)).checks), []);
});

t.test('a failed sello carries the recomputed cadena and the signer', async (t) => {
  const root = setAttribute(base.root, 'Asignaturas', 'promedio', '8.56');
  const outcome = run(root, context(signer));
  t.same(errorCodes(outcome.checks), ['DEC-FIRMA-SELLO', 'DEC-PROMEDIO']);
  const r = outcome.checks.find((c) => c.code === 'DEC-FIRMA-SELLO' && c.status === 'error');
  t.equal(r?.detail?.['cadena'], fixtureCadena(root));
  t.match(r?.detail?.['cadena'], '|8.56|68.75|68.75|8|');
  const cert = parseCertificate(signer.cerDer);
  t.same(r?.detail?.['signer'], { numeroCertificado: signer.number, curp: signer.curp, nombre: cert.name, sha256: cert.sha256 });
  t.equal(run(base.root, context(signer)).checks.find((c) => c.code === 'DEC-FIRMA-SELLO')?.detail, undefined, 'no cadena stored when it verifies');
});

t.test('an unreadable certificate skips the checks that need it', async (t) => {
  const outcome = run(setAttribute(base.root, 'Dec', 'certificadoResponsable', 'not base64!'), context(signer));
  t.same(
    outcome.checks.filter((c) => c.code.startsWith('DEC-FIRMA-')).map((c) => `${c.code}:${c.status}`),
    [
      'DEC-FIRMA-CERT-PARSE:error',
      'DEC-FIRMA-CERT-KEY:skipped',
      'DEC-FIRMA-CERT-FIEL:skipped',
      'DEC-FIRMA-CERT-NUMERO:skipped',
      'DEC-FIRMA-CERT-CURP:skipped',
      'DEC-FIRMA-CERT-REGISTRADO:skipped',
      'DEC-FIRMA-CAMPUS-VENCIDA:skipped',
      'DEC-FIRMA-CERT-VIGENCIA:skipped',
      'DEC-FIRMA-SELLO:skipped',
    ],
  );
});

t.test("a persona moral's e.firma", async (t) => {
  const moral = mintSigner({ persona: 'MORAL' });
  const r = assertOnly(t, run(build(moral).root, context(moral)), 'DEC-FIRMA-CERT-FIEL', 'Certificado del responsable no válido en el nodo Dec: no es una e.firma de persona física');
  t.equal(r.found, 'FIEL MORAL');
});

t.test('certificates are parsed through the context cache', async (t) => {
  const cache = new CertificateCache();
  const c = context(signer, { certificates: cache });
  run(base.root, c);
  run(base.root, c);
  t.equal(cache.size, 1);
});
