import t from 'tap';
import { readFileSync } from 'node:fs';
import { loadAuthority } from '../../../src/authority/authority.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { verifySello } from '../../../src/domain/efirma/sello.js';
import { authenticateTitulo } from '../../../src/domain/titulos/authenticate-titulo.js';
import { attr, type XmlElement } from '../../../src/intake/xml-tree.js';
import { parseSafeXml } from '../../../src/intake/xml.js';
import { repoPath } from '../../../src/repo-path.js';
import { getAttribute, getElement, setAttribute, tituloXml } from '../../support/titulo-fixture.js';
import { assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const BUS_SECUENCIA = 'Error Bus criptografico: La Secuencia no ha sido autenticada';
const FOLIO = '3F2C7A0E-9B1D-4C5E-8F6A-1B2C3D4E5F60';
const FECHA = '2025-06-16T10:30:00';

const signer = mintSigner();
const second = mintSigner();
const authorityCred = mintSigner({ name: 'ELENA SOFIA MENDOZA RIVAS' });
const authorityCert = parseCertificate(authorityCred.cerDer);
const base = build([signer, second]);
const input = { folioDigital: FOLIO, fechaAutenticacion: FECHA, authority: { numeroCertificado: authorityCred.number, privateKey: authorityCred.privateKey } };
const authenticated = authenticateTitulo(base.root, input);
const registered = context([signer, second], { authorities: [authorityCert] });
const statusOf = (root: XmlElement, code: string) => run(root, registered).checks.find((c) => c.code === code)?.status;

t.test('the Autenticacion node: last child, attributes in order, sellos concatenated', async (t) => {
  t.same(authenticated.children.map((c) => c.name), ['FirmaResponsables', 'Institucion', 'Carrera', 'Profesionista', 'Expedicion', 'Antecedente', 'Autenticacion']);
  const node = getElement(authenticated, 'Autenticacion');
  t.equal(node.namespace, 'https://www.siged.sep.gob.mx/titulos/');
  t.same(node.attributes.map((a) => a.name), ['version', 'folioDigital', 'fechaAutenticacion', 'selloTitulo', 'noCertificadoAutoridad', 'selloAutenticacion']);
  t.equal(attr(node, 'version'), '1.0');
  t.equal(attr(node, 'folioDigital'), FOLIO.toLowerCase(), 'written lowercase');
  t.equal(attr(node, 'fechaAutenticacion'), FECHA);
  const s1 = getAttribute(base.root, 'FirmaResponsable[1]', 'sello') ?? '';
  const s2 = getAttribute(base.root, 'FirmaResponsable[2]', 'sello') ?? '';
  t.ok(s1.length > 300 && s2.length > 300);
  t.equal(attr(node, 'selloTitulo'), s1 + s2, 'no separator between the sellos');
  t.equal(attr(node, 'noCertificadoAutoridad'), authorityCred.number);
  // The standard's cadena, written out here independently of cadena.ts.
  const cadena = `||1.0|${FOLIO.toLowerCase()}|${FECHA}|${s1}${s2}|${authorityCred.number}||`;
  t.ok(verifySello(cadena, attr(node, 'selloAutenticacion') ?? '', authorityCred.publicKey), 'sealed over ||version|folioDigital|fecha|selloTitulo|noCertificado||');
  t.equal(base.root.children.length, 6, 'the input tree is not modified');
});

t.test("the MET carga's own check verifies it when the authority is registered", async (t) => {
  t.same(errorCodes(run(authenticated, registered).checks), []);
  t.equal(statusOf(authenticated, 'AUT-ATTR'), 'ok');
  t.equal(statusOf(authenticated, 'AUT-SELLO'), 'ok');
  t.equal(run(authenticated, context([signer, second])).checks.find((c) => c.code === 'AUT-SELLO')?.status, 'skipped', 'unchecked without the certificate');
  const escaping = context([signer, second], { authorities: [authorityCert], cadenaEscapeXml: true });
  t.equal(run(authenticated, escaping).checks.find((c) => c.code === 'AUT-SELLO')?.status, 'ok', 'same cadena with XML escaping on');

  const parsed = parseSafeXml(Buffer.from(tituloXml(authenticated), 'utf8'));
  t.ok(parsed.ok);
  if (parsed.ok) t.equal(statusOf(parsed.root, 'AUT-SELLO'), 'ok', 'after an XML round trip');
});

t.test('tampering is an AUT-SELLO error', async (t) => {
  assertOnly(t, run(setAttribute(authenticated, 'Autenticacion', 'fechaAutenticacion', '2025-06-16T10:30:01'), registered), 'AUT-SELLO', BUS_SECUENCIA);
  assertOnly(t, run(setAttribute(authenticated, 'Autenticacion', 'folioDigital', '00000000-0000-4000-8000-000000000000'), registered), 'AUT-SELLO', BUS_SECUENCIA);
  const node = getElement(authenticated, 'Autenticacion');
  const swapped = (attr(node, 'selloTitulo') ?? '').slice(1) + 'A';
  assertOnly(t, run(setAttribute(authenticated, 'Autenticacion', 'selloTitulo', swapped), registered), 'AUT-SELLO', BUS_SECUENCIA);
  const stranger = mintSigner();
  const forged = authenticateTitulo(base.root, { ...input, authority: { numeroCertificado: authorityCred.number, privateKey: stranger.privateKey } });
  assertOnly(t, run(forged, registered), 'AUT-SELLO', BUS_SECUENCIA);
});

t.test('the committed authority fixture authenticates títulos the carga verifies', async (t) => {
  const authority = loadAuthority({
    cerPath: repoPath('fixtures', 'authority', 'autoridad.cer'),
    keyPath: repoPath('fixtures', 'authority', 'autoridad.key'),
    password: '12345678a',
    official: { idCargo: '1', cargo: 'DIRECTOR' },
  });
  const root = authenticateTitulo(base.root, { ...input, authority });
  const ctx = context([signer, second], { authorities: [parseCertificate(readFileSync(repoPath('fixtures', 'authority', 'autoridad.cer')))] });
  t.equal(run(root, ctx).checks.find((c) => c.code === 'AUT-SELLO')?.status, 'ok');
  t.equal(attr(getElement(root, 'Autenticacion'), 'noCertificadoAutoridad'), '30001000000900000100');
});

t.test('refusals', async (t) => {
  t.throws(() => authenticateTitulo(authenticated, input), { name: 'TypeError', message: /already carries an Autenticacion/ });
  t.throws(() => authenticateTitulo({ ...base.root, name: 'Dec' }, input), /TituloElectronico root/);
  t.throws(() => authenticateTitulo({ ...base.root, namespace: 'urn:otro' }, input), /TituloElectronico root/);
  t.throws(() => authenticateTitulo(base.root, { ...input, folioDigital: 'FOLIO-1' }), /folioDigital must be a UUID/);
  t.throws(() => authenticateTitulo(base.root, { ...input, fechaAutenticacion: '2025-06-16' }), /fechaAutenticacion/);
  t.throws(() => authenticateTitulo(base.root, { ...input, fechaAutenticacion: '2025-06-16T10:30:00Z' }), /fechaAutenticacion/);
  t.throws(() => authenticateTitulo(base.root, { ...input, fechaAutenticacion: '2025-02-30T10:30:00' }), /fechaAutenticacion/);
  t.throws(() => authenticateTitulo(base.root, { ...input, authority: { ...input.authority, numeroCertificado: '1234' } }), /20 digits/);
  const unsigned = setAttribute(base.root, 'FirmaResponsable[2]', 'sello', '');
  t.throws(() => authenticateTitulo(unsigned, input), /FirmaResponsable 2 has no sello/);
  const noSigners = { ...base.root, children: base.root.children.filter((c) => c.name !== 'FirmaResponsables') };
  t.throws(() => authenticateTitulo(noSigners, input), /no FirmaResponsable/);
});
