import t from 'tap';
import { cadenaDreoe, cadenaSepIpes, sealDec, verifyDecSeal, type DecSeal } from '../../../src/domain/certificados/sep-nodes.js';
import { verifySello } from '../../../src/domain/efirma/sello.js';
import { attr, type XmlElement } from '../../../src/intake/xml-tree.js';
import { parseSafeXml } from '../../../src/intake/xml.js';
import { decXml, getAttribute, getElement, setAttribute } from '../../support/dec-fixture.js';
import { TODAY, build, mintSigner } from './setup.js';

const signer = mintSigner();
const authority = mintSigner({ name: 'AUTORIDAD DGAIR DE PRUEBAS' });
const stranger = mintSigner();
const base = build(signer);

const SEAL: DecSeal = {
  fechaDreoe: `${TODAY}T10:30:00`,
  official: { curp: authority.curp, nombreCompleto: authority.name, idCargo: '1', cargo: 'DIRECTOR' },
  authority: { numeroCertificado: authority.number, privateKey: authority.privateKey },
  folioDigital: '3f2c7a0e-9b1d-4c5e-8f6a-1b2c3d4e5f60',
  fechaSepIpes: `${TODAY}T10:30:05`,
};

const sealed = sealDec(base.root, SEAL);
const dreoe = (root: XmlElement) => getElement(root, 'Dreoe');
const sepIpes = (root: XmlElement) => getElement(root, 'SepIpes');

t.test('Dreoe and SepIpes are appended after Asignaturas with their attributes in order', async (t) => {
  t.same(sealed.children.map((c) => c.name), ['ServicioFirmante', 'Ipes', 'Rvoe', 'Carrera', 'Alumno', 'Expedicion', 'Asignaturas', 'Dreoe', 'SepIpes']);
  t.same(dreoe(sealed).attributes.map((a) => a.name), ['fechaDreoe', 'selloDec', 'noCertificadoDreoe', 'curp', 'nombreCompleto', 'idCargo', 'cargo', 'selloDreoe']);
  t.same(sepIpes(sealed).attributes.map((a) => a.name), ['version', 'folioDigital', 'fechaSepIpes', 'selloDreoe', 'noCertificadoSepIpes', 'selloSepIpes']);
  t.equal(attr(dreoe(sealed), 'selloDec'), getAttribute(base.root, 'Dec', 'sello'));
  t.equal(attr(sepIpes(sealed), 'selloDreoe'), attr(dreoe(sealed), 'selloDreoe'));
  t.equal(attr(sepIpes(sealed), 'version'), '1.0');
  t.equal(dreoe(sealed).namespace, 'https://www.siged.sep.gob.mx/certificados/');
  t.equal(base.root.children.length, 7, 'the input tree is not modified');
});

t.test("the seals are the authority's RSA-SHA256 over the emulator's documented cadenas", async (t) => {
  const d = dreoe(sealed);
  const expectedDreoe = `||${SEAL.fechaDreoe}|${getAttribute(base.root, 'Dec', 'sello')}|${authority.number}|${authority.curp}|1||`;
  t.equal(
    cadenaDreoe({ fechaDreoe: SEAL.fechaDreoe, selloDec: attr(d, 'selloDec') ?? '', noCertificadoDreoe: authority.number, curp: authority.curp, idCargo: '1' }),
    expectedDreoe,
  );
  t.ok(verifySello(expectedDreoe, attr(d, 'selloDreoe') ?? '', authority.publicKey));
  const expectedSepIpes = `||1.0|${SEAL.folioDigital}|${SEAL.fechaSepIpes}|${attr(d, 'selloDreoe') ?? ''}|${authority.number}||`;
  t.equal(
    cadenaSepIpes({ version: '1.0', folioDigital: SEAL.folioDigital, fechaSepIpes: SEAL.fechaSepIpes, selloDreoe: attr(d, 'selloDreoe') ?? '', noCertificadoSepIpes: authority.number }),
    expectedSepIpes,
  );
  t.ok(verifySello(expectedSepIpes, attr(sepIpes(sealed), 'selloSepIpes') ?? '', authority.publicKey));
});

t.test('verifyDecSeal accepts the sealed DEC, also after an XML round trip', async (t) => {
  t.same(verifyDecSeal(sealed, authority.publicKey), { valid: true, problems: [] });
  const parsed = parseSafeXml(Buffer.from(decXml(sealed), 'utf8'));
  t.ok(parsed.ok);
  if (parsed.ok) t.same(verifyDecSeal(parsed.root, authority.publicKey), { valid: true, problems: [] });
});

t.test('verifyDecSeal refuses another key, edits and a missing node', async (t) => {
  const otherKey = verifyDecSeal(sealed, stranger.publicKey);
  t.notOk(otherKey.valid);
  t.same(otherKey.problems, ['Dreoe/@selloDreoe does not verify with the authority key', 'SepIpes/@selloSepIpes does not verify with the authority key']);

  const folio = setAttribute(sealed, 'SepIpes', 'folioDigital', '00000000-0000-0000-0000-000000000000');
  t.same(verifyDecSeal(folio, authority.publicKey).problems, ['SepIpes/@selloSepIpes does not verify with the authority key']);

  const resealedDec = setAttribute(sealed, 'Dec', 'sello', getAttribute(build(stranger).root, 'Dec', 'sello') ?? '');
  t.same(verifyDecSeal(resealedDec, authority.publicKey).problems, ["Dreoe/@selloDec is not the Dec's sello"]);

  const unsealed = { ...sealed, children: sealed.children.filter((c) => c.name !== 'SepIpes') };
  t.same(verifyDecSeal(unsealed, authority.publicKey), { valid: false, problems: ['expected one SepIpes node, found 0'] });

  const swapped = { ...sealed, children: [...sealed.children.slice(0, 7), sepIpes(sealed), dreoe(sealed)] };
  t.same(verifyDecSeal(swapped, authority.publicKey).problems, ['Dreoe and SepIpes must be the last two children of Dec, in that order']);
});

t.test('sealDec refuses what it must never seal', async (t) => {
  t.throws(() => sealDec(sealed, SEAL), /already sealed/);
  t.throws(() => sealDec(setAttribute(base.root, 'Dec', 'sello', ''), SEAL), /sello/);
  t.throws(() => sealDec({ ...base.root, name: 'TituloElectronico' }, SEAL), /Dec root/);
});
