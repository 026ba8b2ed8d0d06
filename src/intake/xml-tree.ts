/**
 * The safe XML tree every document checker reads. Produced by parseSafeXml (src/intake/xml.ts).
 * Attribute values are exactly as written: not trimmed, with the five predefined entities and numeric
 * character references decoded.
 */
export interface XmlAttribute {
  /** Qualified name as written, e.g. `version`, `xmlns:xsi`, `xsi:schemaLocation`. */
  readonly name: string;
  readonly value: string;
}

export interface XmlElement {
  /** Local name, e.g. `TituloElectronico`. */
  readonly name: string;
  /** Namespace URI resolved from xmlns declarations in scope ('' when none). */
  readonly namespace: string;
  /** Attributes in document order (namespace declarations included). */
  readonly attributes: readonly XmlAttribute[];
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element, untrimmed. */
  readonly text: string;
}

/** The value of an attribute by qualified name, or undefined when absent. */
export function attr(element: XmlElement, name: string): string | undefined {
  for (const a of element.attributes) if (a.name === name) return a.value;
  return undefined;
}
