import t from 'tap';
import { isCurp, isEmail, isIntegerId, isIsoDate } from '../../../src/domain/titulos/formats.js';
import { fixtureCadena, setAttribute, removeAttribute } from '../../support/titulo-fixture.js';
import { assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

t.test('dates are real calendar dates written AAAA-MM-DD with no zone', async (t) => {
  for (const ok of ['2024-02-29', '2000-02-29', '2025-12-31', '0001-01-01']) t.ok(isIsoDate(ok), ok);
  for (const bad of ['2023-02-29', '1900-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '0000-01-01', '2020-3-1', '2020-03-01-06:00', '2020-03-01Z', '2020-03-01T00:00:00', '20200301', ' 2020-03-01', '２０２０-03-01']) {
    t.notOk(isIsoDate(bad), bad);
  }
});

t.test('CURP, e-mail and integer shapes', async (t) => {
  for (const ok of ['EICA750212HDFRNL01', 'GALR900101MDFRPS09', 'PEGJ950314XNERRN07']) t.ok(isCurp(ok), ok);
  for (const bad of ['eica750212hdfrnl01', 'EICA750212HDFRNL0', 'EICA751312HDFRNL01', 'EICA750212HZZRNL01', 'EICA750212HDFANL01', 'EICA750212HDFRNL01 ']) {
    t.notOk(isCurp(bad), bad);
  }
  t.ok(isEmail('antonio.alpizar@gmail.com'));
  t.ok(isEmail('a+b@sub.example.mx'));
  for (const bad of ['antonio.alpizar.gmail.com', 'a@b', 'a b@c.mx', '@c.mx', 'a@.mx']) t.notOk(isEmail(bad), bad);
  t.ok(isIntegerId('03'));
  t.notOk(isIntegerId('3.0'));
});

const signer = mintSigner();
const base = build([signer]);
const ctx = context([signer]);

t.test('February 29 of a common year', async (t) => {
  const b = build([signer], { edit: (v) => void (v.carrera['fechaInicio'] = '2019-02-29') });
  const r = assertOnly(t, run(b.root, ctx), 'TIT-DATE-FORMAT', 'Fecha de inicio no válida en el nodo Carrera: 2019-02-29');
  t.equal(r.expected, 'AAAA-MM-DD');
});

t.test('an optional date written empty counts as absent, as in the cadena', async (t) => {
  const root = base.resign(setAttribute(base.root, 'Carrera', 'fechaInicio', ''));
  t.same(errorCodes(run(root, ctx).checks), []);
  const absent = base.resign(removeAttribute(base.root, 'Carrera', 'fechaInicio'));
  t.equal(fixtureCadena(root, 0), fixtureCadena(absent, 0));
});

t.test("a signer's malformed CURP is a format error (and, being unlike the certificate's, a firma error)", async (t) => {
  const root = base.resign(setAttribute(base.root, 'FirmaResponsable', 'curp', 'XXXX'));
  const outcome = run(root, ctx);
  t.same(errorCodes(outcome.checks), ['FIRMA-CERT-CURP', 'TIT-CURP-FORMAT']);
  t.equal(outcome.checks.find((c) => c.status === 'error')?.sepMessage, 'CURP no válida en el nodo FirmaResponsables: XXXX');
});

t.test('an integer id with leading zeros is an integer', async (t) => {
  const root = base.resign(setAttribute(base.root, 'Expedicion', 'idModalidadTitulacion', '01'));
  t.same(errorCodes(run(root, ctx).checks), []);
});

t.test('cumplioServicioSocial 0 is valid', async (t) => {
  const root = base.resign(setAttribute(base.root, 'Expedicion', 'cumplioServicioSocial', '0'));
  t.same(errorCodes(run(root, ctx).checks), []);
  const two = base.resign(setAttribute(base.root, 'Expedicion', 'cumplioServicioSocial', '2'));
  assertOnly(t, run(two, ctx), 'TIT-SERVICIO-SOCIAL', 'Cumplimiento de servicio social no válido en el nodo Expedicion: 2');
});
