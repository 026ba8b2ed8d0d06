/**
 * A strict, single-pass, non-validating XML 1.0 + Namespaces parser for decoded text, building the
 * safe tree of xml-tree.ts. Iterative (an explicit stack, so nesting cannot exhaust the call stack),
 * no DTD support at all (the caller rejects DOCTYPE first), arrays only (no maps keyed by names from
 * the document, so `__proto__` and friends are ordinary strings).
 *
 * Values are kept exactly as written apart from reference decoding. XML 1.0 §3.3.3 would turn a
 * literal tab, CR or LF inside an attribute value into a space and §2.11 would fold CRLF into LF; we do
 * neither, because SEP builds the cadena original from the attribute values "exactly as written" and
 * a silent rewrite here would make a sello verify (or fail) over characters the document never had.
 */
import { fail } from '../domain/checks.js';
import type { XmlAttribute, XmlElement } from './xml-tree.js';
import type { XmlLimits } from './xml.js';
import { decodeReferences, isNameCode, isNameStartCode, isXmlWhitespace } from './xml-chars.js';
import { XmlFailure, malformedAt } from './xml-failure.js';
import type { MalformedDetail } from './xml-failure.js';
import { SEP_XML } from './messages.js';

/**
 * Elements plus attributes in one document. Not part of XmlLimits (whose shape is fixed); it bounds
 * the tree's memory, which for dense markup such as `<a/><a/>…` is many times the document's bytes.
 * A título has about 55, a certificado with a long list of subjects about a thousand.
 */
export const MAX_NODES = 20_000;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

interface MutableElement {
  name: string;
  namespace: string;
  attributes: XmlAttribute[];
  children: MutableElement[];
  text: string;
}

interface OpenTag {
  readonly element: MutableElement;
  readonly qname: string;
  readonly selfClosing: boolean;
  /** Namespace bindings this tag pushed, popped when it closes. */
  readonly bindings: number;
}

/**
 * Parses `text` from `start` (just after any XML declaration), with where the root's end tag starts
 * in `text` (null for an empty-element root). Throws XmlFailure.
 */
export function parseXmlDocument(text: string, start: number, limits: XmlLimits): { root: XmlElement; rootEndTag: number | null } {
  const parser = new Parser(text, start, limits);
  const root = parser.document();
  return { root, rootEndTag: parser.rootEndTag };
}

class Parser {
  /** Where the root's end tag (`</…>`) starts; null until it is read, or for `<root/>`. */
  rootEndTag: number | null = null;
  private readonly prefixes: string[] = [];
  private readonly uris: string[] = [];
  private nodes = 0;

  constructor(
    private readonly s: string,
    private pos: number,
    private readonly limits: XmlLimits,
  ) {}

  document(): XmlElement {
    const s = this.s;
    this.misc();
    if (this.pos >= s.length) throw this.malformed(this.pos, 'the document has no root element', { expected: 'a root element' });
    if (s.charCodeAt(this.pos) !== LT) {
      throw this.malformed(this.pos, 'only whitespace, comments and processing instructions may come before the root element');
    }
    const root = this.elementTree();
    this.misc();
    if (this.pos < s.length) {
      const second = s.charCodeAt(this.pos) === LT && isNameStartCode(s.codePointAt(this.pos + 1) ?? -1);
      throw this.malformed(
        this.pos,
        second
          ? 'the document has more than one root element'
          : 'only whitespace, comments and processing instructions may come after the root element',
        { expected: 'end of document' },
      );
    }
    return root;
  }

  private elementTree(): MutableElement {
    const s = this.s;
    const root = this.openTag(1);
    if (root.selfClosing) return root.element;
    const stack: OpenTag[] = [root];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const lt = s.indexOf('<', this.pos);
      if (lt === -1) {
        throw this.malformed(s.length, `the element <${top.qname}> is not closed`, { expected: `</${top.qname}>`, node: top.qname });
      }
      if (lt > this.pos) this.text(top.element, this.pos, lt);
      this.pos = lt;
      const next = s.charCodeAt(lt + 1);
      if (next === SLASH) {
        this.closeTag(top);
        stack.pop();
        if (stack.length === 0) this.rootEndTag = lt;
        this.popBindings(top.bindings);
      } else if (next === BANG) {
        if (s.startsWith('<!--', lt)) this.comment();
        else if (s.startsWith('<![CDATA[', lt)) this.cdata(top.element);
        else throw this.malformed(lt, "'<!' starts neither a comment nor a CDATA section", { node: top.qname });
      } else if (next === QUESTION) {
        this.processingInstruction();
      } else {
        const child = this.openTag(stack.length + 1);
        top.element.children.push(child.element);
        if (child.selfClosing) this.popBindings(child.bindings);
        else stack.push(child);
      }
    }
    return root.element;
  }

  private openTag(depth: number): OpenTag {
    const s = this.s;
    const tagStart = this.pos;
    this.pos++;
    const qname = this.qname('an element name');
    if (depth > this.limits.maxDepth) throw this.depthLimit(qname, depth);
    this.countNode(qname);
    const attributes: XmlAttribute[] = [];
    let declarations = 0;
    let selfClosing: boolean;
    for (;;) {
      const spaced = this.skipWhitespace();
      const c = s.charCodeAt(this.pos);
      if (c === GT) {
        this.pos++;
        selfClosing = false;
        break;
      }
      if (c === SLASH) {
        if (s.charCodeAt(this.pos + 1) !== GT) throw this.malformed(this.pos, "'/' in a tag must be followed by '>'", { expected: '/>', node: qname });
        this.pos += 2;
        selfClosing = true;
        break;
      }
      if (this.pos >= s.length) throw this.malformed(this.pos, `the document ends inside the tag <${qname}>`, { expected: "'>'", node: qname });
      if (!spaced) throw this.malformed(this.pos, `expected whitespace, '>' or '/>' in the tag <${qname}>`, { node: qname });
      const attribute = this.attribute(qname, attributes);
      if (attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:')) declarations++;
      attributes.push(attribute);
    }
    const bindings = declarations === 0 ? 0 : this.declareNamespaces(tagStart, qname, attributes);
    const colon = qname.indexOf(':');
    const prefix = colon === -1 ? '' : qname.slice(0, colon);
    const namespace = this.resolve(prefix);
    if (namespace === undefined) {
      throw this.malformed(tagStart, `the namespace prefix '${prefix}' of <${qname}> is not declared`, {
        expected: `an xmlns:${prefix} declaration in scope`,
        node: qname,
      });
    }
    this.checkAttributePrefixes(tagStart, qname, attributes);
    const element: MutableElement = {
      name: colon === -1 ? qname : qname.slice(colon + 1),
      namespace,
      attributes,
      children: [],
      text: '',
    };
    return { element, qname, selfClosing, bindings };
  }

  private attribute(node: string, previous: readonly XmlAttribute[]): XmlAttribute {
    const s = this.s;
    const name = this.qname('an attribute name');
    this.skipWhitespace();
    if (s.charCodeAt(this.pos) !== EQUALS) throw this.malformed(this.pos, `expected '=' after the attribute ${name}`, { expected: "'='", node, attribute: name });
    this.pos++;
    this.skipWhitespace();
    const quote = s.charCodeAt(this.pos);
    if (quote !== DQUOTE && quote !== SQUOTE) {
      throw this.malformed(this.pos, `the value of the attribute ${name} must be quoted`, { expected: 'a quoted value', node, attribute: name });
    }
    const from = this.pos + 1;
    const end = s.indexOf(quote === DQUOTE ? '"' : "'", from);
    if (end === -1) throw this.malformed(this.pos, `the value of the attribute ${name} is not closed`, { node, attribute: name });
    const raw = s.slice(from, end);
    const lt = raw.indexOf('<');
    if (lt !== -1) throw this.malformed(from + lt, `'<' is not allowed in the value of the attribute ${name} (write &lt;)`, { node, attribute: name });
    const value = raw.indexOf('&') === -1
      ? raw
      : decodeReferences(raw, (i, why) => {
          throw this.malformed(from + i, why, { node, attribute: name });
        });
    const limits = this.limits;
    if (previous.length >= limits.maxAttributesPerElement) throw this.attributeCountLimit(node);
    this.countNode(node);
    if (value.length > limits.maxAttributeLength) throw this.attributeLengthLimit(node, name, value.length);
    for (const a of previous) {
      if (a.name === name) throw duplicateAttribute(node, name);
    }
    this.pos = end + 1;
    return { name, value };
  }

  /** Pushes the tag's xmlns declarations; returns how many were pushed. */
  private declareNamespaces(at: number, node: string, attributes: readonly XmlAttribute[]): number {
    let pushed = 0;
    for (const { name, value } of attributes) {
      let prefix: string;
      if (name === 'xmlns') prefix = '';
      else if (name.startsWith('xmlns:')) prefix = name.slice(6);
      else continue;
      const problem = namespaceDeclarationProblem(prefix, value);
      if (problem !== undefined) throw this.malformed(at, problem, { node, attribute: name });
      this.prefixes.push(prefix);
      this.uris.push(value);
      pushed++;
    }
    return pushed;
  }

  private checkAttributePrefixes(at: number, node: string, attributes: readonly XmlAttribute[]): void {
    let prefixed = 0;
    for (const { name } of attributes) {
      const colon = name.indexOf(':');
      if (colon === -1 || name.startsWith('xmlns:')) continue;
      const prefix = name.slice(0, colon);
      if (this.resolve(prefix) === undefined) {
        throw this.malformed(at, `the namespace prefix '${prefix}' of the attribute ${name} is not declared`, {
          expected: `an xmlns:${prefix} declaration in scope`,
          node,
          attribute: name,
        });
      }
      prefixed++;
    }
    if (prefixed > 1) this.checkExpandedNames(node, attributes);
  }

  /** Namespaces in XML §6.3: `a:x` and `b:x` collide when a and b name the same namespace. */
  private checkExpandedNames(node: string, attributes: readonly XmlAttribute[]): void {
    const expanded: string[] = [];
    for (const { name } of attributes) {
      const colon = name.indexOf(':');
      if (colon === -1 || name.startsWith('xmlns:')) continue;
      const key = `${this.resolve(name.slice(0, colon))!}\u0000${name.slice(colon + 1)}`;
      if (expanded.includes(key)) throw duplicateAttribute(node, name);
      expanded.push(key);
    }
  }

  private resolve(prefix: string): string | undefined {
    for (let i = this.prefixes.length - 1; i >= 0; i--) {
      if (this.prefixes[i] === prefix) return this.uris[i];
    }
    if (prefix === '') return '';
    if (prefix === 'xml') return XML_NS;
    return undefined;
  }

  private popBindings(count: number): void {
    if (count === 0) return;
    this.prefixes.length -= count;
    this.uris.length -= count;
  }

  private closeTag(open: OpenTag): void {
    const s = this.s;
    const at = this.pos;
    this.pos += 2;
    const name = this.qname('an element name');
    this.skipWhitespace();
    if (s.charCodeAt(this.pos) !== GT) throw this.malformed(this.pos, `the closing tag </${name}> is not ended by '>'`, { expected: "'>'", node: open.qname });
    this.pos++;
    if (name !== open.qname) {
      throw this.malformed(at, `the closing tag </${name}> does not match the open tag <${open.qname}>`, {
        expected: `</${open.qname}>`,
        node: open.qname,
      });
    }
  }

  private text(element: MutableElement, from: number, to: number): void {
    const raw = this.s.slice(from, to);
    const cdataEnd = raw.indexOf(']]>');
    if (cdataEnd !== -1) throw this.malformed(from + cdataEnd, "']]>' is not allowed in text", { node: element.name });
    element.text += raw.indexOf('&') === -1
      ? raw
      : decodeReferences(raw, (i, why) => {
          throw this.malformed(from + i, why, { node: element.name });
        });
  }

  private cdata(element: MutableElement): void {
    const from = this.pos + 9;
    const end = this.s.indexOf(']]>', from);
    if (end === -1) throw this.malformed(this.pos, 'a CDATA section is not closed', { expected: "']]>'", node: element.name });
    element.text += this.s.slice(from, end);
    this.pos = end + 3;
  }

  private comment(): void {
    const dashes = this.s.indexOf('--', this.pos + 4);
    if (dashes === -1) throw this.malformed(this.pos, 'a comment is not closed', { expected: "'-->'" });
    if (this.s.charCodeAt(dashes + 2) !== GT) throw this.malformed(dashes, "'--' is not allowed inside a comment");
    this.pos = dashes + 3;
  }

  private processingInstruction(): void {
    const s = this.s;
    const at = this.pos;
    this.pos += 2;
    const target = this.qname('a processing-instruction target');
    if (target.toLowerCase() === 'xml') throw this.malformed(at, 'the XML declaration may only appear at the very start of the document');
    if (target.includes(':')) throw this.malformed(at, `the processing-instruction target ${target} contains ':'`);
    if (s.startsWith('?>', this.pos)) {
      this.pos += 2;
      return;
    }
    if (!this.skipWhitespace()) throw this.malformed(this.pos, `expected whitespace or '?>' after <?${target}`);
    const end = s.indexOf('?>', this.pos);
    if (end === -1) throw this.malformed(at, 'a processing instruction is not closed', { expected: "'?>'" });
    this.pos = end + 2;
  }

  private misc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<?', this.pos)) this.processingInstruction();
      else return;
    }
  }

  /** A Name that is also a namespace QName (`local` or `prefix:local`). */
  private qname(what: string): string {
    const s = this.s;
    const start = this.pos;
    let p = start;
    for (;;) {
      let cp = s.charCodeAt(p);
      let width = 1;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = s.codePointAt(p)!;
        width = cp > 0xffff ? 2 : 1;
      }
      if (!(p === start ? isNameStartCode(cp) : isNameCode(cp))) break;
      p += width;
    }
    if (p === start) throw this.malformed(start, `expected ${what}`, { expected: what });
    this.pos = p;
    const name = s.slice(start, p);
    const colon = name.indexOf(':');
    if (
      colon !== -1 &&
      (colon === 0 || name.indexOf(':', colon + 1) !== -1 || !isNameStartCode(name.codePointAt(colon + 1) ?? -1))
    ) {
      throw this.malformed(start, `${name} is not a valid qualified name (prefix:local)`, { expected: what });
    }
    return name;
  }

  private skipWhitespace(): boolean {
    const s = this.s;
    const start = this.pos;
    let p = start;
    while (isXmlWhitespace(s.charCodeAt(p))) p++;
    this.pos = p;
    return p > start;
  }

  private malformed(offset: number, explanation: string, detail?: MalformedDetail): XmlFailure {
    return malformedAt(this.s, offset, explanation, detail);
  }

  private countNode(node: string): void {
    if (++this.nodes <= MAX_NODES) return;
    throw new XmlFailure(
      fail('XML-LIMIT', `The document has more than ${MAX_NODES} elements and attributes (the limit is reached at <${node}>).`, SEP_XML.nodes(MAX_NODES), {
        node,
        expected: `at most ${MAX_NODES} elements and attributes`,
        found: `more than ${MAX_NODES}`,
      }),
    );
  }

  private depthLimit(node: string, depth: number): XmlFailure {
    const max = this.limits.maxDepth;
    return new XmlFailure(
      fail('XML-LIMIT', `The element <${node}> is nested ${depth} levels deep; the limit (maxDepth) is ${max}.`, SEP_XML.depth(max), {
        node,
        expected: `at most ${max} levels (maxDepth)`,
        found: `${depth} levels`,
      }),
    );
  }

  private attributeCountLimit(node: string): XmlFailure {
    const max = this.limits.maxAttributesPerElement;
    return new XmlFailure(
      fail('XML-LIMIT', `The element <${node}> has more than ${max} attributes, the limit (maxAttributesPerElement).`, SEP_XML.attributeCount(node, max), {
        node,
        expected: `at most ${max} attributes (maxAttributesPerElement)`,
        found: `at least ${max + 1} attributes`,
      }),
    );
  }

  private attributeLengthLimit(node: string, attribute: string, length: number): XmlFailure {
    const max = this.limits.maxAttributeLength;
    return new XmlFailure(
      fail(
        'XML-LIMIT',
        `The attribute ${attribute} of <${node}> is ${length} characters long; the limit (maxAttributeLength) is ${max}.`,
        SEP_XML.attributeLength(attribute, node, max),
        { node, attribute, expected: `at most ${max} characters (maxAttributeLength)`, found: `${length} characters` },
      ),
    );
  }
}

function duplicateAttribute(node: string, attribute: string): XmlFailure {
  return new XmlFailure(
    fail('XML-DUPLICATE-ATTRIBUTE', `The element <${node}> repeats the attribute ${attribute}; XML allows each attribute once.`, SEP_XML.duplicateAttribute(attribute, node), {
      node,
      attribute,
      expected: `one ${attribute} attribute`,
      found: `${attribute} repeated`,
    }),
  );
}

/** The Namespaces in XML 1.0 constraints on one declaration, as an English problem or undefined. */
function namespaceDeclarationProblem(prefix: string, uri: string): string | undefined {
  if (prefix === 'xmlns') return "the prefix 'xmlns' must not be declared";
  if (prefix === 'xml') return uri === XML_NS ? undefined : `the prefix 'xml' may only be bound to ${XML_NS}`;
  if (uri === XML_NS || uri === XMLNS_NS) return `the namespace ${uri} is reserved`;
  if (prefix !== '' && uri === '') return `the prefix '${prefix}' cannot be bound to an empty namespace`;
  return undefined;
}
