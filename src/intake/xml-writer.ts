import type { XmlElement } from './xml-tree.js';

const escapeAttribute = (value: string): string =>
  value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    // Character references keep tabs and line breaks exactly: a literal one would be normalized
    // to a space by the next XML reader, and the cadena is built from values as written.
    .replaceAll('\t', '&#9;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;');

const escapeText = (value: string): string => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function serialize(element: XmlElement, indent: string): string {
  const attributes = element.attributes.map((a) => ` ${a.name}="${escapeAttribute(a.value)}"`).join('');
  // The tree keeps local names only; títulos use default namespaces, so that is what is written.
  const qualified = element.name;
  if (element.children.length === 0) {
    return element.text.trim() === '' ? `${indent}<${qualified}${attributes}/>` : `${indent}<${qualified}${attributes}>${escapeText(element.text)}</${qualified}>`;
  }
  const inner = element.children.map((child) => serialize(child, `${indent}  `)).join('\n');
  return `${indent}<${qualified}${attributes}>\n${inner}\n${indent}</${qualified}>`;
}

/** A UTF-8 XML document from a tree (namespace declarations are ordinary attributes of the tree). */
export function writeXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root, '')}\n`;
}
