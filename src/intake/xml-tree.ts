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

/** A copy of `element` with `values` set: in place when present, appended (in `values` order) when not. */
export function withAttributes(element: XmlElement, values: Readonly<Record<string, string>>): XmlElement {
  const attributes = element.attributes.map((a) => (Object.hasOwn(values, a.name) ? { name: a.name, value: values[a.name]! } : a));
  for (const [name, value] of Object.entries(values)) if (!attributes.some((a) => a.name === name)) attributes.push({ name, value });
  return { ...element, attributes };
}
