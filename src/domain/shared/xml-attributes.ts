/**
 * Attribute and text conventions shared by every document kind: namespace declarations and
 * `xsi:*` attributes are never "unknown attributes", and data elements carry no text.
 */
import type { XmlElement } from '../../intake/xml-tree.js';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** `xsi` itself: an undeclared prefix never reaches the domain (the parser rejects it). */
export const DEFAULT_XSI_PREFIXES: ReadonlySet<string> = new Set(['xsi']);

/**
 * Prefixes bound to the XML Schema instance namespace in scope of this element. Producers add
 * `xsi:schemaLocation`; SEP apparently ignores it, so xsi:* attributes are not "unknown".
 */
export function xsiPrefixes(element: XmlElement, inherited: ReadonlySet<string>): ReadonlySet<string> {
  let scope: Set<string> | undefined;
  for (const a of element.attributes) {
    if (!a.name.startsWith('xmlns:')) continue;
    const prefix = a.name.slice(6);
    scope ??= new Set(inherited);
    if (a.value === XSI_NAMESPACE) scope.add(prefix);
    else scope.delete(prefix);
  }
  return scope ?? inherited;
}

export function isDeclarationOrXsi(name: string, xsi: ReadonlySet<string>): boolean {
  if (name === 'xmlns' || name.startsWith('xmlns:')) return true;
  const colon = name.indexOf(':');
  return colon > 0 && xsi.has(name.slice(0, colon));
}

/** Character data other than XML whitespace directly inside the element. */
export function hasText(element: XmlElement): boolean {
  const text = element.text;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
  }
  return false;
}
