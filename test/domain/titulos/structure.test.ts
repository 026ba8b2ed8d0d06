import t from 'tap';
import { sepMessageOf } from '../../../src/domain/checks.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { parseSafeXml } from '../../../src/intake/xml.js';
import { TITULOS_NS, element, getElement, removeAttribute, setAttribute, tituloXml, updateElement } from '../../support/titulo-fixture.js';
import { assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const base = build([signer]);
const ctx = context([signer]);

const withChildren = (children: XmlElement[]): XmlElement => ({ ...base.root, children });

t.test('xmlns and xsi:* attributes are not unknown attributes', async (t) => {
  let root = setAttribute(base.root, 'Carrera', 'xsi:type', 'CarreraType');
  root = setAttribute(root, 'Institucion', 'xmlns:otro', 'urn:otro');
  t.same(errorCodes(run(root, ctx).checks), []);
});

t.test('a prefix bound to another namespace is unknown, even when named like xsi', async (t) => {
  let root = setAttribute(base.root, 'Carrera', 'xmlns:xsi', 'urn:not-xsi');
  root = setAttribute(root, 'Carrera', 'xsi:type', 'CarreraType');
  const r = assertOnly(t, run(root, ctx), 'TIT-ATTR-UNKNOWN', 'Atributo no permitido en el nodo Carrera: xsi:type');
  t.equal(r.attribute, 'xsi:type');
  const other = setAttribute(base.root, 'Expedicion', 'ext:nota', 'x');
  assertOnly(t, run(other, ctx), 'TIT-ATTR-UNKNOWN', 'Atributo no permitido en el nodo Expedicion: ext:nota');
});

t.test('the FirmaResponsables container takes no attributes', async (t) => {
  const root = setAttribute(base.root, 'FirmaResponsables', 'total', '1');
  assertOnly(t, run(root, ctx), 'TIT-ATTR-UNKNOWN', 'Atributo no permitido en el nodo FirmaResponsables: total');
});

t.test("a signer's required name (not in the cadena) missing, and one written empty", async (t) => {
  const missing = run(removeAttribute(base.root, 'FirmaResponsable', 'nombre'), ctx);
  const r = assertOnly(t, missing, 'TIT-ATTR-REQUIRED', 'Atributo requerido no encontrado en el nodo FirmaResponsables: nombre');
  t.equal(r.node, 'FirmaResponsable');
  const empty = run(setAttribute(base.root, 'FirmaResponsable', 'primerApellido', ''), ctx);
  assertOnly(t, empty, 'TIT-ATTR-REQUIRED', 'Atributo requerido sin valor en el nodo FirmaResponsables: primerApellido');
});

t.test('a missing version is reported once, as a missing attribute', async (t) => {
  const outcome = run(base.resign(removeAttribute(base.root, 'TituloElectronico', 'version')), ctx);
  assertOnly(t, outcome, 'TIT-ATTR-REQUIRED', 'Atributo requerido no encontrado en el nodo TituloElectronico: version');
  t.equal(outcome.checks.find((c) => c.code === 'TIT-VERSION')?.status, 'skipped');
});

t.test('Antecedente/@entidadFederativa is required (spec §2.6: always send it)', async (t) => {
  const root = base.resign(removeAttribute(base.root, 'Antecedente', 'entidadFederativa'));
  assertOnly(t, run(root, ctx), 'TIT-ATTR-REQUIRED', 'Atributo requerido no encontrado en el nodo Antecedente: entidadFederativa');
});

t.test('an unknown element, a repeated one, one in another namespace', async (t) => {
  const kids = base.root.children as XmlElement[];
  const unknown = run(withChildren([...kids, element('Fotografia', [])]), ctx);
  assertOnly(t, unknown, 'TIT-ELEMENT', 'Nodo no válido en el nodo TituloElectronico: Fotografia');

  const repeated = run(withChildren([...kids.slice(0, 2), kids[1] as XmlElement, ...kids.slice(2)]), ctx);
  assertOnly(t, repeated, 'TIT-ELEMENT', 'Nodo repetido en el nodo TituloElectronico: Institucion');

  const institucion = kids[1] as XmlElement;
  const foreign = run(withChildren([kids[0] as XmlElement, { ...institucion, namespace: '' }, ...kids.slice(2)]), ctx);
  t.same(errorCodes(foreign.checks), ['TIT-ELEMENT']);
  t.equal(sepMessageOf(foreign.checks), 'Nodo no válido en el nodo TituloElectronico: {}Institucion');
  t.equal(foreign.profesionista, null, 'Institucion is then missing: the model is not read');
});

t.test('an empty FirmaResponsables, and a stranger inside it', async (t) => {
  const empty = run(
    updateElement(base.root, 'FirmaResponsables', (el) => ({ ...el, children: [] })),
    ctx,
  );
  assertOnly(t, empty, 'TIT-ELEMENT', 'Nodo requerido no encontrado en el nodo FirmaResponsables: FirmaResponsable');
  t.equal(empty.profesionista, null);

  const stranger = updateElement(base.root, 'FirmaResponsables', (el) => ({ ...el, children: [...el.children, element('Firma', [])] }));
  assertOnly(t, run(stranger, ctx), 'TIT-ELEMENT', 'Nodo no válido en el nodo FirmaResponsables: Firma');
});

t.test('data elements are empty: no child elements, no text', async (t) => {
  const child = updateElement(base.root, 'Carrera', (el) => ({ ...el, children: [element('Materia', [])] }));
  assertOnly(t, run(child, ctx), 'TIT-ELEMENT', 'Nodo no válido en el nodo Carrera: Materia');
  const text = updateElement(base.root, 'Profesionista', (el) => ({ ...el, text: 'JUAN' }));
  assertOnly(t, run(text, ctx), 'TIT-ELEMENT', 'Nodo no válido en el nodo Profesionista: #text');
  const blank = updateElement(base.root, 'Profesionista', (el) => ({ ...el, text: '\n  \t' }));
  t.same(errorCodes(run(blank, ctx).checks), [], 'whitespace is fine');
});

t.test('the root holds elements only: text or a CDATA section directly in TituloElectronico is refused (fuzz finding)', async (t) => {
  const xml = tituloXml(base.root);
  for (const inserted of ['<![CDATA[x]]>', 'texto', '&#65;']) {
    const parsed = parseSafeXml(Buffer.from(xml.replace('<FirmaResponsables>', `${inserted}<FirmaResponsables>`), 'utf8'));
    if (!parsed.ok) throw new Error(`${inserted}: ${parsed.error.explanation}`);
    assertOnly(t, run(parsed.root, ctx), 'TIT-ELEMENT', 'Nodo no válido en el nodo TituloElectronico: #text');
  }
  const layout = parseSafeXml(Buffer.from(xml.replace('<FirmaResponsables>', '\n\t<!-- c --><FirmaResponsables>'), 'utf8'));
  if (!layout.ok) throw new Error(layout.error.explanation);
  t.same(errorCodes(run(layout.root, ctx).checks), [], 'whitespace and comments are layout');
});

t.test('Autenticacion before Antecedente is out of order', async (t) => {
  const authority = mintSigner();
  const b = build([signer], { authority });
  const kids = b.root.children as XmlElement[];
  const aut = getElement(b.root, 'Autenticacion');
  const root = withChildren([...kids.slice(0, 5), aut, kids[5] as XmlElement]);
  assertOnly(t, run(root, ctx), 'TIT-ELEMENT', 'Nodo fuera de orden en el nodo TituloElectronico: Antecedente');
});

t.test('a wrong root name', async (t) => {
  const outcome = run({ ...base.root, name: 'Dec', namespace: TITULOS_NS }, ctx);
  assertOnly(t, outcome, 'TIT-ROOT', 'Nodo raíz no válido, se esperaba TituloElectronico: {https://www.siged.sep.gob.mx/titulos/}Dec');
});
