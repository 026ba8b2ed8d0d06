import t from 'tap';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { cadenaAutenticacion } from '../../../src/domain/titulos/cadena.js';
import { isFechaAutenticacion } from '../../../src/domain/titulos/autenticacion.js';
import { authenticateTitulo, getAttribute, removeAttribute, setAttribute } from '../../support/titulo-fixture.js';
import { assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const BUS_SECUENCIA = 'Error Bus criptografico: La Secuencia no ha sido autenticada';

const signer = mintSigner();
const second = mintSigner();
const authority = mintSigner({ name: 'AUTORIDAD EDUCATIVA DE PRUEBAS' });
const authorityCert = parseCertificate(authority.cerDer);
const base = build([signer, second], { authority });
const registered = context([signer, second], { authorities: [authorityCert] });
const unregistered = context([signer, second]);
const status = (root: typeof base.root, ctx: typeof registered, code: string) => run(root, ctx).checks.find((c) => c.code === code)?.status;

t.test('verified with a registered authority certificate', async (t) => {
  const outcome = run(base.root, registered);
  t.same(errorCodes(outcome.checks), []);
  t.equal(status(base.root, registered, 'AUT-ATTR'), 'ok');
  t.equal(status(base.root, registered, 'AUT-SELLO'), 'ok');
  const selloTitulo = getAttribute(base.root, 'Autenticacion', 'selloTitulo');
  t.equal(selloTitulo, `${getAttribute(base.root, 'FirmaResponsable[1]', 'sello')}${getAttribute(base.root, 'FirmaResponsable[2]', 'sello')}`, 'the fixture concatenates the sellos');
});

t.test('recorded as unchecked when the authority is not registered', async (t) => {
  const outcome = run(base.root, unregistered);
  t.same(errorCodes(outcome.checks), []);
  const sello = outcome.checks.find((c) => c.code === 'AUT-SELLO');
  t.equal(sello?.status, 'skipped');
  t.match(sello?.explanation, 'recorded as unchecked');
});

t.test('an error when selloAutenticacion does not verify: the cadena is in detail', async (t) => {
  const root = setAttribute(base.root, 'Autenticacion', 'fechaAutenticacion', '2024-01-03T10:30:00');
  const r = assertOnly(t, run(root, registered), 'AUT-SELLO', BUS_SECUENCIA);
  const a = (name: string) => getAttribute(root, 'Autenticacion', name);
  const expected = `||1.0|${a('folioDigital')}|2024-01-03T10:30:00|${a('selloTitulo')}|${authority.number}||`;
  t.equal(r.detail?.['cadena'], expected);
  t.equal(
    cadenaAutenticacion({ version: '1.0', folioDigital: a('folioDigital'), fechaAutenticacion: '2024-01-03T10:30:00', selloTitulo: a('selloTitulo'), noCertificadoAutoridad: authority.number }),
    expected,
  );
  t.same(r.detail?.['authority'], { numeroCertificado: authority.number, nombre: authorityCert.name, sha256: authorityCert.sha256 });
  t.same(errorCodes(run(root, unregistered).checks), [], 'not checked without a registered authority');
});

t.test('selloTitulo is taken as written: re-signing the título does not break the authority sello', async (t) => {
  const root = base.resign(setAttribute(base.root, 'Carrera', 'numeroRvoe', '20150002'));
  t.same(errorCodes(run(root, registered).checks), []);
  const edited = setAttribute(base.root, 'Autenticacion', 'selloTitulo', 'AAAA');
  assertOnly(t, run(edited, registered), 'AUT-SELLO', BUS_SECUENCIA);
});

t.test('attribute shapes', async (t) => {
  const reauth = (opts: Parameters<typeof authenticateTitulo>[2]) => authenticateTitulo(base.root, authority, opts);
  t.same(errorCodes(run(reauth({ fechaAutenticacion: '2017-12-17T09:30:47Z' }), registered).checks), [], 'the spec example with Z');
  t.same(errorCodes(run(reauth({ folioDigital: '3F2C7A0E-9B1D-4C5E-8F6A-1B2C3D4E5F60' }), registered).checks), [], 'an uppercase UUID');

  assertOnly(t, run(reauth({ fechaAutenticacion: '2017-12-17' }), registered), 'AUT-ATTR', 'Fecha de autenticación no válida en el nodo Autenticacion: 2017-12-17');
  assertOnly(t, run(reauth({ fechaAutenticacion: '2017-02-30T09:30:47' }), registered), 'AUT-ATTR', 'Fecha de autenticación no válida en el nodo Autenticacion: 2017-02-30T09:30:47');
  assertOnly(t, run(reauth({ folioDigital: 'FOLIO-1' }), registered), 'AUT-ATTR', 'Folio digital no válido en el nodo Autenticacion: FOLIO-1');

  const version = assertOnly(t, run(setAttribute(base.root, 'Autenticacion', 'version', '2.0'), unregistered), 'AUT-ATTR', 'Versión no válida en el nodo Autenticacion: 2.0');
  t.equal(version.expected, '1.0');

  const shortNumber = run(setAttribute(base.root, 'Autenticacion', 'noCertificadoAutoridad', '1234'), registered);
  assertOnly(t, shortNumber, 'AUT-ATTR', 'Número de certificado de la autoridad no válido en el nodo Autenticacion: 1234');
  t.equal(shortNumber.checks.find((c) => c.code === 'AUT-SELLO')?.status, 'skipped');

  const missing = run(removeAttribute(base.root, 'Autenticacion', 'selloAutenticacion'), registered);
  assertOnly(t, missing, 'AUT-ATTR', 'Atributo requerido no encontrado en el nodo Autenticacion: selloAutenticacion');
  t.equal(missing.checks.find((c) => c.code === 'AUT-SELLO')?.status, 'skipped');

  assertOnly(t, run(setAttribute(base.root, 'Autenticacion', 'lugar', 'CDMX'), registered), 'AUT-ATTR', 'Atributo no permitido en el nodo Autenticacion: lugar');
  assertOnly(t, run(setAttribute(base.root, 'Autenticacion', 'selloAutenticacion', 'no es base64!'), unregistered), 'AUT-ATTR', 'Sello de autenticación no válido en el nodo Autenticacion: no es base64!');
});

t.test('isFechaAutenticacion', async (t) => {
  for (const ok of ['2017-12-17T09:30:47', '2017-12-17T09:30:47Z', '2024-02-29T23:59:59']) t.ok(isFechaAutenticacion(ok), ok);
  for (const bad of ['2017-12-17', '2017-12-17T24:00:00', '2017-12-17T09:30', '2017-12-17T09:30:47-06:00', '2017-12-17 09:30:47', '2023-02-29T00:00:00']) {
    t.notOk(isFechaAutenticacion(bad), bad);
  }
});

t.test('a título without Autenticacion records both checks as skipped', async (t) => {
  const plain = build([signer]);
  const outcome = run(plain.root, context([signer], { authorities: [authorityCert] }));
  t.same(outcome.checks.filter((c) => c.code.startsWith('AUT-')).map((c) => `${c.code}:${c.status}`), ['AUT-ATTR:skipped', 'AUT-SELLO:skipped']);
});
