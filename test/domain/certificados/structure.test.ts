import t from 'tap';
import { sepMessageOf } from '../../../src/domain/checks.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { parseSafeXml } from '../../../src/intake/xml.js';
import { DEC_NS, decXml, element, getElement, removeAttribute, setAttribute, updateElement } from '../../support/dec-fixture.js';
import { assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const base = build(signer);
const ctx = context(signer);

t.test('xmlns and xsi:* attributes are not unknown attributes', async (t) => {
  let root = setAttribute(base.root, 'Dec', 'xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance');
  root = setAttribute(root, 'Dec', 'xsi:schemaLocation', `${DEC_NS} IPESCertificado.xsd`);
  root = setAttribute(root, 'Asignatura[2]', 'xsi:type', 'AsignaturaType');
  t.same(errorCodes(run(root, ctx).checks), []);
  assertOnly(t, run(setAttribute(base.root, 'Carrera', 'ext:nota', 'x'), ctx), 'DEC-ATTR-UNKNOWN', 'Atributo no permitido en el nodo Carrera: ext:nota');
});

t.test('a required attribute written empty', async (t) => {
  const root = base.resign(setAttribute(base.root, 'Alumno', 'primerApellido', ''));
  assertOnly(t, run(root, ctx), 'DEC-ATTR-REQUIRED', 'Atributo requerido sin valor en el nodo Alumno: primerApellido');
});

t.test('an unknown attribute on a subject names the subject', async (t) => {
  const r = assertOnly(t, run(setAttribute(base.root, 'Asignatura[4]', 'periodo', '2'), ctx), 'DEC-ATTR-UNKNOWN', 'Atributo no permitido en el nodo Asignatura: periodo');
  t.equal(r.node, 'Asignatura[4]');
  t.equal(r.expected, undefined, 'no near-miss to suggest');
});

t.test('Responsable: missing, twice, or outside Ipes', async (t) => {
  const without = updateElement(base.root, 'Ipes', (el) => ({ ...el, children: [] }));
  const missing = run(without, ctx);
  assertOnly(t, missing, 'DEC-ELEMENT', 'Nodo requerido no encontrado en el nodo Ipes: Responsable');
  t.equal(missing.alumno, null, 'the model is not read');

  const responsable = getElement(base.root, 'Responsable');
  const twice = updateElement(base.root, 'Ipes', (el) => ({ ...el, children: [responsable, responsable] }));
  assertOnly(t, run(twice, ctx), 'DEC-ELEMENT', 'Nodo repetido en el nodo Ipes: Responsable');

  const atRoot = { ...without, children: [...without.children.slice(0, 2), responsable, ...without.children.slice(2)] };
  t.equal(sepMessageOf(run(atRoot, ctx).checks), 'Nodo no válido en el nodo Dec: Responsable');
});

t.test('an empty Asignaturas, and text inside a data element', async (t) => {
  const empty = updateElement(base.root, 'Asignaturas', (el) => ({ ...el, children: [] }));
  assertOnly(t, run(empty, ctx), 'DEC-ELEMENT', 'Nodo requerido no encontrado en el nodo Asignaturas: Asignatura');
  const text = updateElement(base.root, 'Alumno', (el) => ({ ...el, text: 'JUAN' }));
  assertOnly(t, run(text, ctx), 'DEC-ELEMENT', 'Nodo no válido en el nodo Alumno: #text');
  const spaces = updateElement(base.root, 'Alumno', (el) => ({ ...el, text: '\n  ' }));
  t.same(errorCodes(run(spaces, ctx).checks), [], 'whitespace is layout');
});

t.test('the root holds elements only: text or a CDATA section directly in Dec is refused (fuzz finding)', async (t) => {
  const xml = decXml(base.root);
  for (const inserted of ['<![CDATA[x]]>', 'texto', '&#65;']) {
    const parsed = parseSafeXml(Buffer.from(xml.replace('<ServicioFirmante', `${inserted}<ServicioFirmante`), 'utf8'));
    if (!parsed.ok) throw new Error(`${inserted}: ${parsed.error.explanation}`);
    assertOnly(t, run(parsed.root, ctx), 'DEC-ELEMENT', 'Nodo no válido en el nodo Dec: #text');
  }
  const layout = parseSafeXml(Buffer.from(xml.replace('<ServicioFirmante', '\n\t<!-- c --><ServicioFirmante'), 'utf8'));
  if (!layout.ok) throw new Error(layout.error.explanation);
  t.same(errorCodes(run(layout.root, ctx).checks), [], 'whitespace and comments are layout');
});

t.test('a child in another namespace, a repeated element, a child inside a subject', async (t) => {
  const kids = base.root.children as XmlElement[];
  const foreign = { ...base.root, children: [...kids, element('Nota', [], [], 'urn:otro')] };
  assertOnly(t, run(foreign, ctx), 'DEC-ELEMENT', 'Nodo no válido en el nodo Dec: {urn:otro}Nota');
  const repeated = { ...base.root, children: [...kids.slice(0, 3), kids[2] as XmlElement, ...kids.slice(3)] };
  assertOnly(t, run(repeated, ctx), 'DEC-ELEMENT', 'Nodo repetido en el nodo Dec: Rvoe');
  const nested = updateElement(base.root, 'Asignatura[3]', (el) => ({ ...el, children: [element('Calificacion', [])] }));
  const r = assertOnly(t, run(nested, ctx), 'DEC-ELEMENT', 'Nodo no válido en el nodo Asignatura: Calificacion');
  t.equal(r.node, 'Asignatura[3]');
});

t.test('SepIpes alone is refused too', async (t) => {
  const root = { ...base.root, children: [...base.root.children, element('SepIpes', [{ name: 'version', value: '1.0' }])] };
  assertOnly(t, run(root, ctx), 'DEC-NODO-SEP', 'Nodo reservado para la SEP en el nodo Dec: SepIpes; cargue el certificado sin los nodos Dreoe y SepIpes');
});

t.test('a missing version is reported once, as a missing attribute', async (t) => {
  const outcome = run(base.resign(removeAttribute(base.root, 'Dec', 'version')), ctx);
  assertOnly(t, outcome, 'DEC-ATTR-REQUIRED', 'Atributo requerido no encontrado en el nodo Dec: version');
  t.equal(outcome.checks.find((c) => c.code === 'DEC-VERSION')?.status, 'skipped');
});
