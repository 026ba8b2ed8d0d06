import type { XmlElement } from './xml-tree.js';

const NEEDS_ESCAPE = /[&<>"\t\n\r]/;

// Most values (base64 sellos, dates, ids) need no escaping: testing once is far cheaper than seven replaceAll.
const escapeAttribute = (value: string): string => {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return (
    value
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      // Character references keep tabs and line breaks exactly: a literal one would be normalized
      // to a space by the next XML reader, and the cadena is built from values as written.
      .replaceAll('\t', '&#9;')
      .replaceAll('\n', '&#10;')
      .replaceAll('\r', '&#13;')
  );
};

const escapeText = (value: string): string => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * The tree keeps local names only, so every element is written unprefixed, in the default
 * namespace. Where the default in scope is not the element's namespace (a document that used a
 * prefix, `<tit:TituloElectronico xmlns:tit="…">`), xmlns is declared on the element; the prefix
 * declarations stay, for prefixed attributes such as xsi:schemaLocation.
 */
function serialize(element: XmlElement, indent: string, inScope: string): string {
  const declared = element.attributes.find((a) => a.name === 'xmlns')?.value ?? inScope;
  const own =
    declared === element.namespace
      ? element.attributes
      : [{ name: 'xmlns', value: element.namespace }, ...element.attributes.filter((a) => a.name !== 'xmlns')];
  const attributes = own.map((a) => ` ${a.name}="${escapeAttribute(a.value)}"`).join('');
  const qualified = element.name;
  if (element.children.length === 0) {
    return element.text.trim() === '' ? `${indent}<${qualified}${attributes}/>` : `${indent}<${qualified}${attributes}>${escapeText(element.text)}</${qualified}>`;
  }
  const inner = element.children.map((child) => serialize(child, `${indent}  `, element.namespace)).join('\n');
  return `${indent}<${qualified}${attributes}>\n${inner}\n${indent}</${qualified}>`;
}

/** One element (and its subtree) as XML text, where `inScope` is the default namespace around it. */
export function writeXmlElement(element: XmlElement, inScope: string): string {
  return serialize(element, '', inScope);
}

/** A UTF-8 XML document from a tree (namespace declarations are ordinary attributes of the tree). */
export function writeXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root, '', '')}\n`;
}
