/**
 * The single door for untrusted XML bytes: size, encoding, DOCTYPE, then a strict parse into the safe
 * tree. The order is deliberate: cheap whole-document checks run before any tokenizing, and a DOCTYPE
 * (external entities, billion laughs) is refused before a single entity could be looked at.
 */
import { fail } from '../domain/checks.js';
import type { XmlElement } from './xml-tree.js';
import type { CheckResult } from '../domain/checks.js';
import { FORBIDDEN_CHAR } from './xml-chars.js';
import { readXmlDeclaration } from './xml-declaration.js';
import { decodeUtf8 } from './xml-encoding.js';
import { XmlFailure, malformedAt, positionOf } from './xml-failure.js';
import { parseXmlDocument } from './xml-parser.js';
import { SEP_XML } from './messages.js';

export interface XmlLimits {
  /** Maximum bytes of one document. */
  readonly maxDocumentBytes: number;
  /** Maximum element nesting depth. */
  readonly maxDepth: number;
  /** Maximum length (characters) of one attribute value. */
  readonly maxAttributeLength: number;
  /** Maximum attributes on one element. */
  readonly maxAttributesPerElement: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDocumentBytes: 2 * 1024 * 1024,
  maxDepth: 16,
  maxAttributeLength: 64 * 1024,
  maxAttributesPerElement: 64,
};

export type ParseXmlResult =
  | {
      readonly ok: true;
      readonly root: XmlElement;
      /** Byte offset in the document of the root's end tag (`</…>`); null for an empty-element root. */
      readonly rootEndTag: number | null;
    }
  | { readonly ok: false; readonly error: CheckResult };

// Case-insensitive and anywhere (even inside a comment): no legitimate título needs the text.
const DOCTYPE = /<!DOCTYPE/i;

/** Parses untrusted bytes into a safe tree, or returns the one XML-* check that failed. Never throws. */
export function parseSafeXml(bytes: Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): ParseXmlResult {
  try {
    return { ok: true, ...parseOrThrow(bytes, limits) };
  } catch (err) {
    if (err instanceof XmlFailure) return { ok: false, error: err.result };
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      error: fail('XML-MALFORMED', `The document could not be parsed: ${reason}.`, SEP_XML.unreadable(), { found: reason }),
    };
  }
}

function parseOrThrow(bytes: Uint8Array, limits: XmlLimits): { root: XmlElement; rootEndTag: number | null } {
  if (bytes.length > limits.maxDocumentBytes) {
    throw new XmlFailure(
      fail(
        'XML-LIMIT',
        `The document is ${bytes.length} bytes; the limit (maxDocumentBytes) is ${limits.maxDocumentBytes}.`,
        SEP_XML.tooLarge(limits.maxDocumentBytes),
        { expected: `at most ${limits.maxDocumentBytes} bytes (maxDocumentBytes)`, found: `${bytes.length} bytes` },
      ),
    );
  }
  const text = decodeUtf8(bytes);
  const start = readXmlDeclaration(text);
  const doctype = DOCTYPE.exec(text);
  if (doctype !== null) {
    const { line, column } = positionOf(text, doctype.index);
    throw new XmlFailure(
      fail(
        'XML-DOCTYPE',
        'The document carries a DOCTYPE; DTDs and entity declarations are refused (XXE and entity-expansion attacks).',
        SEP_XML.doctype(),
        { expected: 'no DOCTYPE', found: `<!DOCTYPE at line ${line}, column ${column}` },
      ),
    );
  }
  const forbidden = FORBIDDEN_CHAR.exec(text);
  if (forbidden !== null) {
    const code = forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw malformedAt(text, forbidden.index, `the character U+${code} is not allowed in XML`);
  }
  const { root, rootEndTag } = parseXmlDocument(text, start, limits);
  // Counted from the end: the text after the end tag is the same in bytes and characters, whatever
  // decoding did at the start (a byte-order mark).
  return { root, rootEndTag: rootEndTag === null ? null : bytes.length - Buffer.byteLength(text.slice(rootEndTag), 'utf8') };
}
