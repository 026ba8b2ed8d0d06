/**
 * Mutations of one valid, signed document (título or DEC 3.0) into the bytes the fuzzer uploads:
 * on the tree (attribute values, order, deletions, duplications, elements), on the XML text
 * (raw characters, comments, references, declarations) and on the bytes (re-encoding as UTF-16 or
 * Latin-1, BOMs, truncation mid-character, invalid UTF-8). Each step is described in words, so a
 * failure says exactly what was sent.
 */
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { writeXml } from '../../../src/intake/xml-writer.js';
import type { Rng } from './rng.js';
import { hostileValue, randomName } from './values.js';

interface Attr {
  name: string;
  value: string;
}

/** A mutable copy of the tree (the fixture's trees are readonly and shared). */
interface Node {
  name: string;
  namespace: string;
  attributes: Attr[];
  children: Node[];
  text: string;
}

function clone(el: XmlElement): Node {
  return { name: el.name, namespace: el.namespace, attributes: el.attributes.map((a) => ({ ...a })), children: el.children.map(clone), text: el.text };
}

interface Located {
  readonly node: Node;
  readonly parent: Node | undefined;
  readonly path: string;
}

function locate(root: Node): Located[] {
  const out: Located[] = [];
  const walk = (node: Node, parent: Node | undefined, path: string): void => {
    out.push({ node, parent, path });
    node.children.forEach((c, i) => walk(c, node, `${path}/${c.name}[${i + 1}]`));
  };
  walk(root, undefined, root.name);
  return out;
}

export interface SourceDocument {
  readonly kind: 'titulo' | 'dec';
  /** The valid, signed tree. */
  readonly root: XmlElement;
  /** Re-signs a (mutated) tree with the document's own signer(s); throws when the tree has no place for a sello. */
  readonly resign: (root: XmlElement) => XmlElement;
}

export interface MutatedDocument {
  readonly bytes: Buffer;
  /** What was done, step by step ('' steps never appear). */
  readonly steps: readonly string[];
  /** True when no step was applied: the control case, which must be accepted. */
  readonly control: boolean;
  /** The tree the signer signed last: the source, or the mutated tree when the case re-signed it. */
  readonly signed: XmlElement;
}

const show = (s: string): string => {
  const json = JSON.stringify(s.length > 60 ? `${s.slice(0, 40)}…(${s.length} chars)` : s);
  return json;
};

// ------------------------------------------------------------------------------------------ tree

type TreeOp = (rng: Rng, root: Node) => string | undefined;

const withAttributes = (root: Node): Located[] => locate(root).filter((l) => l.node.attributes.length > 0);

const TREE_OPS: ReadonlyArray<readonly [number, string, TreeOp]> = [
  [12, 'value', (rng, root) => {
    const { node, path } = rng.pick(withAttributes(root));
    const a = rng.pick(node.attributes);
    const { kind, value } = hostileValue(rng, a.value);
    a.value = value;
    return `${path}/@${a.name} := ${kind} ${show(value)}`;
  }],
  [2, 'reorder-attributes', (rng, root) => {
    const { node, path } = rng.pick(withAttributes(root));
    node.attributes = rng.shuffle(node.attributes);
    return `${path}: attributes reordered to ${node.attributes.map((a) => a.name).join(',')}`;
  }],
  [3, 'delete-attribute', (rng, root) => {
    const { node, path } = rng.pick(withAttributes(root));
    const i = rng.int(0, node.attributes.length - 1);
    const [a] = node.attributes.splice(i, 1);
    return `${path}/@${a?.name} deleted`;
  }],
  [3, 'duplicate-attribute', (rng, root) => {
    const { node, path } = rng.pick(withAttributes(root));
    const a = rng.pick(node.attributes);
    const value = rng.chance(0.5) ? a.value : hostileValue(rng, a.value).value;
    node.attributes.splice(rng.int(0, node.attributes.length), 0, { name: a.name, value });
    return `${path}/@${a.name} duplicated with ${show(value)}`;
  }],
  [1, 'add-attribute', (rng, root) => {
    const { node, path } = rng.pick(locate(root));
    const name = randomName(rng);
    node.attributes.push({ name, value: hostileValue(rng, '').value });
    return `${path}/@${name} added`;
  }],
  [1, 'rename-attribute', (rng, root) => {
    const { node, path } = rng.pick(withAttributes(root));
    const a = rng.pick(node.attributes);
    const from = a.name;
    a.name = rng.chance(0.5) ? from.toUpperCase() : `${from}_`;
    return `${path}/@${from} renamed ${a.name}`;
  }],
  [2, 'swap-values', (rng, root) => {
    const all = withAttributes(root).flatMap((l) => l.node.attributes.map((a) => ({ a, path: l.path })));
    const x = rng.pick(all);
    const y = rng.pick(all);
    [x.a.value, y.a.value] = [y.a.value, x.a.value];
    return `values of ${x.path}/@${x.a.name} and ${y.path}/@${y.a.name} swapped`;
  }],
  [3, 'delete-element', (rng, root) => {
    const { node, parent, path } = rng.pick(locate(root).filter((l) => l.parent));
    if (!parent) return undefined;
    parent.children.splice(parent.children.indexOf(node), 1);
    return `${path} deleted`;
  }],
  [3, 'duplicate-element', (rng, root) => {
    const { node, parent, path } = rng.pick(locate(root).filter((l) => l.parent));
    if (!parent) return undefined;
    const copy = clone(node as unknown as XmlElement);
    if (rng.chance(0.5) && copy.attributes.length > 0) {
      const a = rng.pick(copy.attributes);
      a.value = hostileValue(rng, a.value).value;
    }
    parent.children.splice(parent.children.indexOf(node) + rng.int(0, 1), 0, copy);
    return `${path} duplicated`;
  }],
  [2, 'reorder-elements', (rng, root) => {
    const parents = locate(root).filter((l) => l.node.children.length > 1);
    if (parents.length === 0) return undefined;
    const { node, path } = rng.pick(parents);
    const i = rng.int(0, node.children.length - 1);
    const j = rng.int(0, node.children.length - 1);
    if (i === j) return undefined;
    [node.children[i], node.children[j]] = [node.children[j] as Node, node.children[i] as Node];
    return `${path}: children ${i + 1} and ${j + 1} swapped`;
  }],
  [1, 'move-element', (rng, root) => {
    const all = locate(root).filter((l) => l.parent);
    const { node, parent, path } = rng.pick(all);
    const target = rng.pick(locate(root).filter((l) => l.node !== node && !locate(node).some((d) => d.node === l.node)));
    if (!parent) return undefined;
    parent.children.splice(parent.children.indexOf(node), 1);
    target.node.children.splice(rng.int(0, target.node.children.length), 0, node);
    return `${path} moved under ${target.path}`;
  }],
  [1, 'namespace', (rng, root) => {
    const { node, path } = rng.pick(locate(root));
    node.namespace = rng.pick(['', 'https://www.siged.sep.gob.mx/titulos', 'https://www.siged.sep.gob.mx/certificados', 'urn:x']);
    return `${path} namespace := ${show(node.namespace)}`;
  }],
  [1, 'rename-element', (rng, root) => {
    const { node, path } = rng.pick(locate(root));
    node.name = rng.pick([node.name.toLowerCase(), `${node.name}s`, node.name.slice(0, -1), randomName(rng).replace(':', '_')]);
    return `${path} renamed ${node.name}`;
  }],
  [1, 'text-content', (rng, root) => {
    const { node, path } = rng.pick(locate(root));
    node.text = hostileValue(rng, 'texto').value;
    return `${path} text := ${show(node.text)}`;
  }],
  [1, 'unknown-child', (rng, root) => {
    const { node, path } = rng.pick(locate(root));
    node.children.splice(rng.int(0, node.children.length), 0, { name: randomName(rng).replace(':', '_'), namespace: node.namespace, attributes: [], children: [], text: '' });
    return `${path}: unknown child added`;
  }],
];

// ------------------------------------------------------------------------------------------ text

type TextOp = (rng: Rng, xml: string) => [string, string] | undefined;

/** A random position just after a tag (between markup), or anywhere. */
const afterTag = (rng: Rng, xml: string): number => {
  const ends = [...xml.matchAll(/>/g)].map((m) => (m.index ?? 0) + 1);
  return rng.pick(ends.length > 0 ? ends : [0]);
};

/** Positions of attribute values: [start of value, end of value). */
const attributeValues = (xml: string): Array<[number, number]> =>
  [...xml.matchAll(/\s[\w:.-]+="([^"]*)"/g)].map((m) => {
    const start = (m.index ?? 0) + m[0].length - 1 - (m[1] ?? '').length;
    return [start, start + (m[1] ?? '').length];
  });

const TEXT_OPS: ReadonlyArray<readonly [number, string, TextOp]> = [
  [3, 'raw-char', (rng, xml) => {
    const at = rng.int(0, xml.length);
    const ch = rng.pick(['\u0000', '\u0001', '\u001b', '<', '&', '"', "'", '>', ']]>', '\ufffe', '\ud800', '&#0;', '&#x1F;', '&#xD800;', '&#1114112;', '&bogus;', '&amp', '&#;']);
    return [xml.slice(0, at) + ch + xml.slice(at), `${show(ch)} inserted at char ${at}`];
  }],
  [2, 'delete-span', (rng, xml) => {
    const at = rng.int(0, xml.length - 1);
    const n = rng.int(1, 40);
    return [xml.slice(0, at) + xml.slice(at + n), `${n} chars deleted at ${at}`];
  }],
  [1, 'duplicate-span', (rng, xml) => {
    const at = rng.int(0, xml.length - 1);
    const n = rng.int(1, 200);
    return [xml.slice(0, at + n) + xml.slice(at, at + n) + xml.slice(at + n), `${n} chars at ${at} duplicated`];
  }],
  [2, 'markup', (rng, xml) => {
    const at = afterTag(rng, xml);
    const m = rng.pick(['<!-- comentario -->', '<?pi datos?>', '<![CDATA[x]]>', '<!DOCTYPE x>', '<!ENTITY e "x">', '&amp;', '&#65;', ' ', '\n\t', 'texto', '<a/>', '</x>']);
    return [xml.slice(0, at) + m + xml.slice(at), `${show(m)} inserted after a tag at ${at}`];
  }],
  [2, 'char-reference', (rng, xml) => {
    // Value-preserving: one character of an attribute value written as a numeric reference.
    const spans = attributeValues(xml).filter(([s, e]) => e > s);
    if (spans.length === 0) return undefined;
    const [s, e] = rng.pick(spans);
    const at = rng.int(s, e - 1);
    const cp = xml.codePointAt(at) ?? 0x41;
    const width = cp > 0xffff ? 2 : 1;
    const ref = rng.chance(0.5) ? `&#${cp};` : `&#x${cp.toString(16)};`;
    return [xml.slice(0, at) + ref + xml.slice(at + width), `char at ${at} written as ${ref}`];
  }],
  [1, 'single-quotes', (rng, xml) => {
    // Value-preserving when the value holds no apostrophe.
    const spans = attributeValues(xml).filter(([s, e]) => !xml.slice(s, e).includes("'"));
    if (spans.length === 0) return undefined;
    const [s, e] = rng.pick(spans);
    return [`${xml.slice(0, s - 1)}'${xml.slice(s, e)}'${xml.slice(e + 1)}`, `attribute at ${s} quoted with apostrophes`];
  }],
  [1, 'whitespace', (rng, xml) => {
    // Value-preserving: extra whitespace between attributes.
    const spaces = [...xml.matchAll(/" (?=[\w:])/g)].map((m) => (m.index ?? 0) + 1);
    if (spaces.length === 0) return undefined;
    const at = rng.pick(spaces);
    const ws = rng.pick(['\n', '\t', '\r\n', '   ']);
    return [xml.slice(0, at) + ws + xml.slice(at), `whitespace ${show(ws)} between attributes at ${at}`];
  }],
  [2, 'declaration', (rng, xml) => {
    const decl = rng.pick([
      '',
      '<?xml version="1.0"?>',
      '<?xml version="1.1" encoding="UTF-8"?>',
      '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      '<?xml version="1.0" encoding="UTF-16"?>',
      '<?xml version="1.0" encoding="Shift_JIS"?>',
      '<?xml encoding="UTF-8"?>',
      ' <?xml version="1.0" encoding="UTF-8"?>',
      '<?xml version="1.0" encoding="UTF-8"?><?xml version="1.0"?>',
    ]);
    return [xml.replace(/^<\?xml[^>]*\?>/, decl), `declaration := ${show(decl)}`];
  }],
  [1, 'line-endings', (rng, xml) => {
    const eol = rng.pick(['\r\n', '\r']);
    return [xml.replaceAll('\n', eol), `line endings := ${show(eol)}`];
  }],
  [1, 'trailing', (rng, xml) => {
    const tail = rng.pick(['<x/>', 'texto', '\u0000', '<!-- fin -->', '\n\n', '<?pi?>']);
    return [xml + tail, `${show(tail)} appended after the root`];
  }],
];

// ------------------------------------------------------------------------------------------ bytes

type ByteOp = (rng: Rng, bytes: Buffer, xml: string) => [Buffer, string] | undefined;

const BOM8 = Buffer.from([0xef, 0xbb, 0xbf]);

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return le;
}

const BYTE_OPS: ReadonlyArray<readonly [number, string, ByteOp]> = [
  [3, 'utf16', (rng, _bytes, xml) => {
    const declared = rng.pick(['keep', 'UTF-16', 'UTF-16LE']);
    const text = declared === 'keep' ? xml : xml.replace(/encoding="[^"]*"/, `encoding="${declared}"`);
    const be = rng.chance(0.3);
    const body = be ? utf16be(text) : Buffer.from(text, 'utf16le');
    const bom = rng.chance(0.7) ? (be ? Buffer.from([0xfe, 0xff]) : Buffer.from([0xff, 0xfe])) : Buffer.alloc(0);
    return [Buffer.concat([bom, body]), `re-encoded as UTF-16${be ? 'BE' : 'LE'}${bom.length ? ' with BOM' : ''}, declaration ${declared}`];
  }],
  [3, 'latin1', (rng, _bytes, xml) => {
    const declared = rng.pick(['keep', 'ISO-8859-1', 'windows-1252']);
    const text = declared === 'keep' ? xml : xml.replace(/encoding="[^"]*"/, `encoding="${declared}"`);
    return [Buffer.from(text, 'latin1'), `re-encoded as Latin-1, declaration ${declared}`];
  }],
  [3, 'bom', (rng, bytes) => {
    const where = rng.pick(['start', 'double', 'after-declaration', 'inside', 'utf16-bom-on-utf8', 'utf32']);
    switch (where) {
      case 'start': return [Buffer.concat([BOM8, bytes]), 'UTF-8 BOM prefixed'];
      case 'double': return [Buffer.concat([BOM8, BOM8, bytes]), 'two UTF-8 BOMs prefixed'];
      case 'after-declaration': {
        const at = bytes.indexOf('?>') + 2;
        return [Buffer.concat([bytes.subarray(0, at), BOM8, bytes.subarray(at)]), 'UTF-8 BOM after the declaration'];
      }
      case 'inside': {
        const at = rng.int(1, bytes.length - 1);
        return [Buffer.concat([bytes.subarray(0, at), BOM8, bytes.subarray(at)]), `UTF-8 BOM inserted at byte ${at}`];
      }
      case 'utf16-bom-on-utf8': return [Buffer.concat([Buffer.from([0xff, 0xfe]), bytes]), 'UTF-16LE BOM before UTF-8 bytes'];
      default: return [Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x00]), bytes]), 'UTF-32LE BOM before UTF-8 bytes'];
    }
  }],
  [3, 'truncate-mid-character', (rng, bytes) => {
    const starts: number[] = [];
    for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0xc0) starts.push(i);
    if (starts.length === 0) return undefined;
    const at = rng.pick(starts) + 1;
    if (rng.chance(0.5)) return [bytes.subarray(0, at), `truncated at byte ${at}, inside a multibyte character`];
    return [Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]), `a continuation byte removed at ${at}`];
  }],
  [2, 'truncate', (rng, bytes) => {
    const at = rng.int(0, bytes.length - 1);
    return [bytes.subarray(0, at), `truncated to ${at} of ${bytes.length} bytes`];
  }],
  [3, 'invalid-utf8', (rng, bytes) => {
    const seq = rng.pick([[0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xc3], [0xf0, 0x9f, 0x98]]);
    const spans = attributeValues(bytes.toString('latin1'));
    const at = spans.length > 0 && rng.chance(0.7) ? rng.pick(spans)[0] : rng.int(0, bytes.length);
    return [Buffer.concat([bytes.subarray(0, at), Buffer.from(seq), bytes.subarray(at)]), `invalid UTF-8 ${Buffer.from(seq).toString('hex')} at byte ${at}`];
  }],
  [1, 'nul', (rng, bytes) => {
    const at = rng.int(0, bytes.length);
    return [Buffer.concat([bytes.subarray(0, at), Buffer.from([0]), bytes.subarray(at)]), `NUL byte at ${at}`];
  }],
];

// ------------------------------------------------------------------------------------------ compose

type Layer = 'tree' | 'text' | 'bytes';

/**
 * One fuzz case's document: 1–3 steps on the tree (re-signed afterwards in a share of cases, so the
 * deeper checks see signed garbage), the text or the bytes; `control` cases are sent unchanged.
 */
export function mutateDocument(rng: Rng, source: SourceDocument, opts: { control?: boolean } = {}): MutatedDocument {
  if (opts.control) return { bytes: Buffer.from(writeXml(source.root), 'utf8'), steps: [], control: true, signed: source.root };
  const steps: string[] = [];
  const layers: Layer[] = [];
  const n = rng.weighted([[6, 1], [3, 2], [1, 3]] as const);
  for (let i = 0; i < n; i++) layers.push(rng.weighted<Layer>([[11, 'tree'], [4, 'text'], [5, 'bytes']]));
  layers.sort((a, b) => ['tree', 'text', 'bytes'].indexOf(a) - ['tree', 'text', 'bytes'].indexOf(b));

  let tree = clone(source.root);
  for (const layer of layers.filter((l) => l === 'tree')) {
    const [, name, op] = rng.weighted(TREE_OPS.map((o) => [o[0], o] as const));
    const step = op(rng, tree);
    if (step) steps.push(`tree ${name}: ${step}`);
  }
  let root = tree as unknown as XmlElement;
  let signed = source.root;
  if (steps.length > 0 && rng.chance(0.4)) {
    try {
      root = source.resign(root);
      signed = root;
      steps.push('re-signed with the document signer after the tree steps');
    } catch {
      // No place left for a sello (the signer element was deleted or moved): send it unsigned as it is.
    }
  }
  let xml = writeXml(root);
  for (const layer of layers.filter((l) => l === 'text')) {
    const [, name, op] = rng.weighted(TEXT_OPS.map((o) => [o[0], o] as const));
    const out = op(rng, xml);
    if (out) {
      xml = out[0];
      steps.push(`text ${name}: ${out[1]}`);
    }
  }
  let bytes: Buffer = Buffer.from(xml, 'utf8');
  for (const layer of layers.filter((l) => l === 'bytes')) {
    const [, name, op] = rng.weighted(BYTE_OPS.map((o) => [o[0], o] as const));
    const out = op(rng, bytes, xml);
    if (out) {
      bytes = out[0];
      steps.push(`bytes ${name}: ${out[1]}`);
    }
  }
  if (steps.length === 0) {
    // Every drawn step was a no-op: force one value mutation so only control cases go unchanged.
    tree = clone(source.root);
    const [, , op] = TREE_OPS[0] as (typeof TREE_OPS)[number];
    steps.push(`tree value: ${op(rng, tree)}`);
    bytes = Buffer.from(writeXml(tree as unknown as XmlElement), 'utf8');
    signed = source.root;
  }
  return { bytes, steps, control: false, signed };
}
