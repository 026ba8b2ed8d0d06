/**
 * Structure of a TituloElectronico (spec §2.1–§2.6): root name and namespace, the child elements in
 * SEP order, and which attributes each element must and may carry.
 */
import { fail, ok, type CheckResult } from '../checks.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { firmaNode, type TituloElements } from './model.js';
import {
  ANTECEDENTE,
  CARRERA,
  CHILD_ORDER,
  EXPEDICION,
  FIRMA_RESPONSABLE,
  FIRMA_RESPONSABLES,
  INSTITUCION,
  OPTIONAL_CHILDREN,
  PROFESIONISTA,
  ROOT,
  TITULOS_NAMESPACE,
  type ChildName,
  type ElementSpec,
} from './schema.js';
import * as msg from './sep-messages.js';

import { DEFAULT_XSI_PREFIXES, hasText, isDeclarationOrXsi, xsiPrefixes } from '../shared/xml-attributes.js';

export { DEFAULT_XSI_PREFIXES, isDeclarationOrXsi, xsiPrefixes } from '../shared/xml-attributes.js';

const CHILD_INDEX: ReadonlyMap<string, number> = new Map(CHILD_ORDER.map((name, i) => [name, i]));

/** TIT-ROOT, then TIT-ELEMENT. Returns the located elements, or null when the model cannot be read. */
export function checkStructure(root: XmlElement, out: CheckResult[]): TituloElements | null {
  if (root.name !== ROOT.name || root.namespace !== TITULOS_NAMESPACE) {
    const found = root.namespace ? `{${root.namespace}}${root.name}` : root.name;
    out.push(
      fail('TIT-ROOT', `The root element must be TituloElectronico in ${TITULOS_NAMESPACE}`, msg.rootInvalid(found), {
        node: root.name,
        expected: `{${TITULOS_NAMESPACE}}${ROOT.name}`,
        found,
      }),
    );
    return null;
  }
  out.push(ok('TIT-ROOT', 'The root is TituloElectronico in the títulos namespace', { node: ROOT.name }));
  return locateElements(root, out);
}

function locateElements(root: XmlElement, out: CheckResult[]): TituloElements | null {
  const start = out.length;
  const found = new Map<ChildName, XmlElement>();
  let lastIndex = -1;
  for (const child of root.children) {
    const index = child.namespace === TITULOS_NAMESPACE ? CHILD_INDEX.get(child.name) : undefined;
    if (index === undefined) {
      out.push(elementError('invalid', ROOT.name, child));
      continue;
    }
    const name = CHILD_ORDER[index] as ChildName;
    if (found.has(name)) {
      out.push(elementError('repeated', ROOT.name, child));
      continue;
    }
    if (index < lastIndex) out.push(elementError('order', ROOT.name, child));
    lastIndex = Math.max(lastIndex, index);
    found.set(name, child);
    checkContent(child, out);
  }
  for (const name of CHILD_ORDER) {
    if (!found.has(name) && !OPTIONAL_CHILDREN.has(name)) {
      out.push(
        fail('TIT-ELEMENT', `The required element ${name} is missing`, msg.elementMissing(ROOT.name, name), {
          node: ROOT.name,
          expected: name,
        }),
      );
    }
  }
  // The root holds elements only, like every container: text (or a CDATA section) there is not SEP's schema.
  if (hasText(root)) out.push(textError(ROOT.name, ROOT.name));
  const container = found.get('FirmaResponsables');
  const firmas = container ? locateFirmas(container, out) : [];
  if (out.length === start) {
    out.push(ok('TIT-ELEMENT', 'All elements are present, once each, in SEP order', { node: ROOT.name }));
  }

  const institucion = found.get('Institucion');
  const carrera = found.get('Carrera');
  const profesionista = found.get('Profesionista');
  const expedicion = found.get('Expedicion');
  const antecedente = found.get('Antecedente');
  if (!container || firmas.length === 0 || !institucion || !carrera || !profesionista || !expedicion || !antecedente) {
    return null;
  }
  return {
    root,
    firmaResponsables: container,
    firmas,
    institucion,
    carrera,
    profesionista,
    expedicion,
    antecedente,
    autenticacion: found.get('Autenticacion') ?? null,
  };
}

function locateFirmas(container: XmlElement, out: CheckResult[]): XmlElement[] {
  const firmas: XmlElement[] = [];
  for (const child of container.children) {
    if (child.namespace === TITULOS_NAMESPACE && child.name === FIRMA_RESPONSABLE.name) {
      firmas.push(child);
      checkContent(child, out);
    } else {
      out.push(elementError('invalid', FIRMA_RESPONSABLES.name, child));
    }
  }
  if (firmas.length === 0) {
    out.push(
      fail('TIT-ELEMENT', 'FirmaResponsables must hold at least one FirmaResponsable', msg.elementMissing(FIRMA_RESPONSABLES.name, FIRMA_RESPONSABLE.name), {
        node: FIRMA_RESPONSABLES.name,
        expected: FIRMA_RESPONSABLE.name,
      }),
    );
  }
  if (hasText(container)) out.push(textError(container.name, container.name));
  return firmas;
}

/** Data elements are empty (all data sit in attributes, §2.1): no child elements, no text. */
function checkContent(element: XmlElement, out: CheckResult[]): void {
  if (element.name === FIRMA_RESPONSABLES.name) return;
  for (const child of element.children) out.push(elementError('invalid', element.name, child));
  if (hasText(element)) out.push(textError(element.name, element.name));
}

function textError(node: string, name: string): CheckResult {
  return fail('TIT-ELEMENT', `${name} must be empty: all título data sit in attributes`, msg.elementInvalid(node, '#text'), {
    node,
    found: '#text',
  });
}

function elementError(kind: 'invalid' | 'repeated' | 'order', parent: string, child: XmlElement): CheckResult {
  const found = child.namespace === TITULOS_NAMESPACE ? child.name : `{${child.namespace}}${child.name}`;
  switch (kind) {
    case 'invalid':
      return fail('TIT-ELEMENT', `${found} is not an element SEP defines inside ${parent}`, msg.elementInvalid(parent, found), {
        node: parent,
        found,
      });
    case 'repeated':
      return fail('TIT-ELEMENT', `${found} appears more than once`, msg.elementRepeated(parent, found), { node: parent, found });
    case 'order':
      return fail('TIT-ELEMENT', `${found} is out of SEP order (${CHILD_ORDER.join(', ')})`, msg.elementOutOfOrder(parent, found), {
        node: parent,
        expected: CHILD_ORDER.join(', '),
        found,
      });
  }
}

/** TIT-ATTR-REQUIRED then TIT-ATTR-UNKNOWN, over every element except Autenticacion (autenticacion.ts). */
export function checkAttributes(elements: TituloElements, out: CheckResult[]): void {
  const required: CheckResult[] = [];
  const unknown: CheckResult[] = [];
  const rootXsi = xsiPrefixes(elements.root, DEFAULT_XSI_PREFIXES);
  const visit = (element: XmlElement, spec: ElementSpec, node: string, xsi: ReadonlySet<string>): void => {
    for (const name of spec.required) {
      const a = element.attributes.find((x) => x.name === name);
      if (a === undefined) {
        required.push(fail('TIT-ATTR-REQUIRED', `${node}/@${name} is required`, msg.attributeMissing(node, name), { node, attribute: name }));
      } else if (a.value === '') {
        required.push(
          fail('TIT-ATTR-REQUIRED', `${node}/@${name} is required and is empty`, msg.attributeEmpty(node, name), {
            node,
            attribute: name,
            found: '',
          }),
        );
      }
    }
    const scope = xsiPrefixes(element, xsi);
    for (const a of element.attributes) {
      if (spec.allowed.has(a.name) || isDeclarationOrXsi(a.name, scope)) continue;
      unknown.push(
        fail('TIT-ATTR-UNKNOWN', `${node}/@${a.name} is not an attribute SEP defines for ${spec.name}`, msg.attributeUnknown(node, a.name), {
          node,
          attribute: a.name,
          found: a.value,
        }),
      );
    }
  };

  visit(elements.root, ROOT, ROOT.name, DEFAULT_XSI_PREFIXES);
  const containerXsi = xsiPrefixes(elements.firmaResponsables, rootXsi);
  visit(elements.firmaResponsables, FIRMA_RESPONSABLES, FIRMA_RESPONSABLES.name, rootXsi);
  elements.firmas.forEach((el, i) => visit(el, FIRMA_RESPONSABLE, firmaNode(i, elements.firmas.length), containerXsi));
  visit(elements.institucion, INSTITUCION, INSTITUCION.name, rootXsi);
  visit(elements.carrera, CARRERA, CARRERA.name, rootXsi);
  visit(elements.profesionista, PROFESIONISTA, PROFESIONISTA.name, rootXsi);
  visit(elements.expedicion, EXPEDICION, EXPEDICION.name, rootXsi);
  visit(elements.antecedente, ANTECEDENTE, ANTECEDENTE.name, rootXsi);

  if (required.length) out.push(...required);
  else out.push(ok('TIT-ATTR-REQUIRED', 'Every required attribute is present and not empty'));
  if (unknown.length) out.push(...unknown);
  else out.push(ok('TIT-ATTR-UNKNOWN', 'No element carries an attribute SEP does not define'));
}
