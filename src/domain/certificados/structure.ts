/**
 * Structure of a DEC (spec mec-certificados.md §1): root name and namespace, the version that
 * selects the layout, the child elements in SEP order, and which attributes each element must and
 * may carry. Element and attribute names are case-sensitive (§1.1, §5 #11).
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { attr } from '../../intake/xml-tree.js';
import type { ElementSpec } from '../shared/element-spec.js';
import { DEFAULT_XSI_PREFIXES, hasText, isDeclarationOrXsi, xsiPrefixes } from '../shared/xml-attributes.js';
import type { DecOptions } from './context.js';
import { asignaturaNode, type DecElements } from './model.js';
import {
  ALUMNO,
  ASIGNATURA,
  ASIGNATURAS,
  CARRERA,
  CHILD_ORDER,
  DEC_NAMESPACE,
  DEC_VERSION,
  EXPEDICION,
  IPES,
  RESPONSABLE,
  ROOT,
  RVOE,
  SEP_CHILDREN,
  SERVICIO_FIRMANTE,
  type ChildName,
} from './schema.js';
import * as msg from './sep-messages.js';

const CHILD_INDEX: ReadonlyMap<string, number> = new Map(CHILD_ORDER.map((name, i) => [name, i]));

/** DEC-ROOT: false when the document is not a DEC at all (nothing else is checked). */
export function checkRoot(root: XmlElement, out: CheckResult[]): boolean {
  if (root.name === ROOT.name && root.namespace === DEC_NAMESPACE) {
    out.push(ok('DEC-ROOT', 'The root is Dec in the certificados namespace', { node: ROOT.name }));
    return true;
  }
  const found = root.namespace ? `{${root.namespace}}${root.name}` : root.name;
  out.push(
    fail('DEC-ROOT', `The root element must be Dec in ${DEC_NAMESPACE}`, msg.rootInvalid(found), {
      node: root.name,
      expected: `{${DEC_NAMESPACE}}${ROOT.name}`,
      found,
    }),
  );
  return false;
}

/**
 * DEC-VERSION, read right after the root because the version selects the layout (§1.11): a 2.0 DEC
 * has no ServicioFirmante, no numeroCiclos and another cadena, so judging it as 3.0 would bury the
 * one message that matters under a dozen structural ones. Any version other than 3.0 stops the
 * evaluation; a missing one is DEC-ATTR-REQUIRED's to report.
 */
export function checkVersion(root: XmlElement, options: DecOptions, out: CheckResult[]): boolean {
  const node = ROOT.name;
  const attribute = 'version';
  const version = attr(root, attribute);
  if (version === undefined || version === '') {
    out.push(skip('DEC-VERSION', 'version is missing', { node, attribute }));
    return true;
  }
  if (version === DEC_VERSION) {
    out.push(ok('DEC-VERSION', 'version is 3.0', { node, attribute }));
    return true;
  }
  const where = { node, attribute, expected: DEC_VERSION, found: version };
  if (version === '2.0') {
    out.push(
      fail('DEC-VERSION', `DEC 2.0 is no longer accepted (since ${options.version20RefusedSince}); only 3.0 is`, msg.version20Refused(options.version20RefusedSince), where),
    );
  } else {
    out.push(fail('DEC-VERSION', `version ${version} is not 3.0`, msg.invalidValue(attribute, node, version), where));
  }
  return false;
}

/** DEC-ELEMENT and DEC-NODO-SEP. Returns the located elements, or null when the model cannot be read. */
export function checkStructure(root: XmlElement, out: CheckResult[]): DecElements | null {
  const elementErrors: CheckResult[] = [];
  const sepNodes: CheckResult[] = [];
  const found = new Map<ChildName, XmlElement>();
  let lastIndex = -1;
  for (const child of root.children) {
    const index = child.namespace === DEC_NAMESPACE ? CHILD_INDEX.get(child.name) : undefined;
    if (index === undefined) {
      elementErrors.push(elementError('invalid', ROOT.name, child));
      continue;
    }
    const name = CHILD_ORDER[index] as ChildName;
    if (SEP_CHILDREN.has(name)) {
      sepNodes.push(
        fail('DEC-NODO-SEP', `${name} is added by SEP on authentication (§1.10); an uploaded DEC must not carry it`, msg.sepNodeInUpload(name), {
          node: ROOT.name,
          found: name,
        }),
      );
      continue;
    }
    if (found.has(name)) {
      elementErrors.push(elementError('repeated', ROOT.name, child));
      continue;
    }
    if (index < lastIndex) elementErrors.push(elementError('order', ROOT.name, child));
    lastIndex = Math.max(lastIndex, index);
    found.set(name, child);
  }
  for (const name of CHILD_ORDER) {
    if (!found.has(name) && !SEP_CHILDREN.has(name)) {
      elementErrors.push(
        fail('DEC-ELEMENT', `The required element ${name} is missing`, msg.elementMissing(ROOT.name, name), { node: ROOT.name, expected: name }),
      );
    }
  }

  // The root holds elements only, like every container: text (or a CDATA section) there is not the DEC's schema.
  if (hasText(root)) elementErrors.push(textError(ROOT.name));
  const ipes = found.get('Ipes');
  const asignaturas = found.get('Asignaturas');
  const responsables = ipes ? locateChildren(ipes, RESPONSABLE.name, { min: 1, max: 1 }, elementErrors) : [];
  const subjects = asignaturas ? locateChildren(asignaturas, ASIGNATURA.name, { min: 1, max: Infinity }, elementErrors) : [];
  for (const [name, element] of found) {
    if (name !== 'Ipes' && name !== 'Asignaturas') checkEmpty(element, element.name, elementErrors);
  }
  responsables.forEach((el) => checkEmpty(el, RESPONSABLE.name, elementErrors));
  subjects.forEach((el, i) => checkEmpty(el, asignaturaNode(i), elementErrors));

  if (elementErrors.length) out.push(...elementErrors);
  else out.push(ok('DEC-ELEMENT', 'All elements are present, once each, in SEP order', { node: ROOT.name }));
  if (sepNodes.length) out.push(...sepNodes);
  else out.push(ok('DEC-NODO-SEP', 'No Dreoe or SepIpes node: as uploaded by the institution', { node: ROOT.name }));

  const servicioFirmante = found.get('ServicioFirmante');
  const rvoe = found.get('Rvoe');
  const carrera = found.get('Carrera');
  const alumno = found.get('Alumno');
  const expedicion = found.get('Expedicion');
  const responsable = responsables[0];
  if (!servicioFirmante || !ipes || !responsable || !rvoe || !carrera || !alumno || !expedicion || !asignaturas || subjects.length === 0) {
    return null;
  }
  return { root, servicioFirmante, ipes, responsable, rvoe, carrera, alumno, expedicion, asignaturas, subjects };
}

/** The element children named `name` inside a container; anything else (or text) is an error. */
function locateChildren(container: XmlElement, name: string, count: { min: number; max: number }, out: CheckResult[]): XmlElement[] {
  const children: XmlElement[] = [];
  for (const child of container.children) {
    if (child.namespace !== DEC_NAMESPACE || child.name !== name) {
      out.push(elementError('invalid', container.name, child));
    } else if (children.length >= count.max) {
      out.push(elementError('repeated', container.name, child));
    } else {
      children.push(child);
    }
  }
  if (children.length < count.min) {
    out.push(
      fail('DEC-ELEMENT', `${container.name} must hold ${count.max === 1 ? 'one' : 'at least one'} ${name}`, msg.elementMissing(container.name, name), {
        node: container.name,
        expected: name,
      }),
    );
  }
  if (hasText(container)) out.push(textError(container.name));
  return children;
}

/** Data elements are empty: all DEC data sit in attributes (§1.1). */
function checkEmpty(element: XmlElement, node: string, out: CheckResult[]): void {
  for (const child of element.children) out.push(elementError('invalid', node, child));
  if (hasText(element)) out.push(textError(node));
}

function textError(node: string): CheckResult {
  return fail('DEC-ELEMENT', `${node} must be empty: all DEC data sit in attributes`, msg.elementInvalid(node, '#text'), { node, found: '#text' });
}

function elementError(kind: 'invalid' | 'repeated' | 'order', parent: string, child: XmlElement): CheckResult {
  const found = child.namespace === DEC_NAMESPACE ? child.name : `{${child.namespace}}${child.name}`;
  switch (kind) {
    case 'invalid':
      return fail('DEC-ELEMENT', `${found} is not an element SEP defines inside ${parent}`, msg.elementInvalid(parent, found), { node: parent, found });
    case 'repeated':
      return fail('DEC-ELEMENT', `${found} appears more than once`, msg.elementRepeated(parent, found), { node: parent, found });
    case 'order':
      return fail('DEC-ELEMENT', `${found} is out of SEP order (${CHILD_ORDER.join(', ')})`, msg.elementOutOfOrder(parent, found), {
        node: parent,
        expected: CHILD_ORDER.join(', '),
        found,
      });
  }
}

/**
 * DEC-ATTR-REQUIRED then DEC-ATTR-UNKNOWN. An unknown attribute that differs from a defined one only
 * in letter case (`Version`, `IdAsignatura`, §5 #11) is one mistake, reported once: as the unknown
 * attribute with the right name as `expected`, not again as the missing one.
 */
export function checkAttributes(elements: DecElements, out: CheckResult[]): void {
  const required: CheckResult[] = [];
  const unknown: CheckResult[] = [];
  const rootXsi = xsiPrefixes(elements.root, DEFAULT_XSI_PREFIXES);
  const visit = (element: XmlElement, spec: ElementSpec, node: string, inherited: ReadonlySet<string>): void => {
    const xsi = xsiPrefixes(element, inherited);
    const misspelled = new Set<string>();
    for (const a of element.attributes) {
      if (spec.allowed.has(a.name) || isDeclarationOrXsi(a.name, xsi)) continue;
      const meant = spec.all.find((name) => name.toLowerCase() === a.name.toLowerCase());
      if (meant !== undefined) misspelled.add(meant);
      const explanation = meant
        ? `${node}/@${a.name} is not an attribute of ${spec.name}; SEP's name is ${meant} (names are case-sensitive)`
        : `${node}/@${a.name} is not an attribute SEP defines for ${spec.name}`;
      unknown.push(
        fail('DEC-ATTR-UNKNOWN', explanation, msg.attributeUnknown(node, a.name), {
          node,
          attribute: a.name,
          ...(meant ? { expected: meant } : {}),
          found: a.value,
        }),
      );
    }
    for (const name of spec.required) {
      const a = element.attributes.find((x) => x.name === name);
      if (a === undefined) {
        if (!misspelled.has(name)) required.push(fail('DEC-ATTR-REQUIRED', `${node}/@${name} is required`, msg.attributeMissing(node, name), { node, attribute: name }));
      } else if (a.value === '') {
        required.push(fail('DEC-ATTR-REQUIRED', `${node}/@${name} is required and is empty`, msg.attributeEmpty(node, name), { node, attribute: name, found: '' }));
      }
    }
  };

  visit(elements.root, ROOT, ROOT.name, DEFAULT_XSI_PREFIXES);
  visit(elements.servicioFirmante, SERVICIO_FIRMANTE, SERVICIO_FIRMANTE.name, rootXsi);
  visit(elements.ipes, IPES, IPES.name, rootXsi);
  visit(elements.responsable, RESPONSABLE, RESPONSABLE.name, xsiPrefixes(elements.ipes, rootXsi));
  visit(elements.rvoe, RVOE, RVOE.name, rootXsi);
  visit(elements.carrera, CARRERA, CARRERA.name, rootXsi);
  visit(elements.alumno, ALUMNO, ALUMNO.name, rootXsi);
  visit(elements.expedicion, EXPEDICION, EXPEDICION.name, rootXsi);
  visit(elements.asignaturas, ASIGNATURAS, ASIGNATURAS.name, rootXsi);
  const subjectXsi = xsiPrefixes(elements.asignaturas, rootXsi);
  elements.subjects.forEach((el, i) => visit(el, ASIGNATURA, asignaturaNode(i), subjectXsi));

  if (required.length) out.push(...required);
  else out.push(ok('DEC-ATTR-REQUIRED', 'Every required attribute is present and not empty'));
  if (unknown.length) out.push(...unknown);
  else out.push(ok('DEC-ATTR-UNKNOWN', 'No element carries an attribute SEP does not define'));
}
