import t from 'tap';
import { DEFAULT_XML_LIMITS, parseSafeXml } from '../../src/intake/xml.js';
import type { XmlLimits, ParseXmlResult } from '../../src/intake/xml.js';
import { MAX_NODES } from '../../src/intake/xml-parser.js';
import { attr } from '../../src/intake/xml-tree.js';
import type { XmlElement } from '../../src/intake/xml-tree.js';
import type { CheckResult } from '../../src/domain/checks.js';
import { TITULOS_NS, sampleTituloXml } from './sample-titulo.js';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

function parsed(result: ParseXmlResult): XmlElement {
  if (!result.ok) throw new Error(`expected a tree, got ${result.error.code}: ${result.error.explanation}`);
  return result.root;
}

function failed(result: ParseXmlResult): CheckResult {
  if (result.ok) throw new Error('expected a failure, got a tree');
  return result.error;
}

const parse = (xml: string, limits?: XmlLimits): ParseXmlResult => parseSafeXml(utf8(xml), limits);
const codeOf = (xml: string | Uint8Array, limits?: XmlLimits): string =>
  failed(typeof xml === 'string' ? parse(xml, limits) : parseSafeXml(xml, limits)).code;

t.test('a realistic título parses into the safe tree', async (t) => {
  const root = parsed(parse(sampleTituloXml('F-77')));
  t.equal(root.name, 'TituloElectronico');
  t.equal(root.namespace, TITULOS_NS);
  t.equal(attr(root, 'folioControl'), 'F-77');
  t.equal(attr(root, 'xsi:schemaLocation'), 'https://www.siged.sep.gob.mx/titulos/ schema.xsd');
  t.same(root.children.map((c) => c.name), ['FirmaResponsables', 'Institucion', 'Carrera', 'Profesionista', 'Expedicion', 'Antecedente']);
  t.ok(root.children.every((c) => c.namespace === TITULOS_NS), 'the default namespace reaches every child');
  const firma = root.children[0]!.children[0]!;
  t.equal(attr(firma, 'segundoApellido'), 'NÚÑEZ', 'UTF-8 text decoded');
  t.equal(attr(root.children[1]!, 'nombreInstitucion'), 'UNIVERSIDAD DE EJEMPLO & ASOCIADOS', '&amp; decoded');
  t.equal(attr(root.children[5]!, 'noCedula'), '', 'empty attribute kept');
  let count = 0;
  const walk = (e: XmlElement): void => { count += e.attributes.length; e.children.forEach(walk); };
  walk(root);
  t.equal(count, 46);
  t.equal(root.text, '\n  \n  \n  \n  \n  \n  \n', 'whitespace between children is the root text, untrimmed');
});

t.test('a UTF-8 BOM is tolerated', async (t) => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(sampleTituloXml())]);
  t.equal(parsed(parseSafeXml(bytes)).name, 'TituloElectronico');
  const twice = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), utf8('<a/>')]);
  t.equal(codeOf(twice), 'XML-MALFORMED', 'only one BOM: a second one is text before the root');
});

t.test('XML-LIMIT: document size', async (t) => {
  const xml = '<a>' + 'x'.repeat(100) + '</a>';
  const limits = { ...DEFAULT_XML_LIMITS, maxDocumentBytes: xml.length };
  t.ok(parse(xml, limits).ok, 'exactly at the limit');
  const error = failed(parse(xml + ' ', limits));
  t.equal(error.code, 'XML-LIMIT');
  t.match(error.explanation, /maxDocumentBytes/);
  t.equal(error.found, `${xml.length + 1} bytes`);
  t.match(error.sepMessage, /^Estructura del archivo XML no válida: /);
});

t.test('XML-ENCODING: bytes that are not UTF-8', async (t) => {
  const latin1 = Buffer.concat([utf8('<a v="PE'), Buffer.from([0xd1]), utf8('A"/>')]);
  const error = failed(parseSafeXml(latin1));
  t.equal(error.code, 'XML-ENCODING');
  t.equal(error.expected, 'UTF-8');
  t.equal(error.found, 'byte 0xD1 at offset 8');
  t.equal(error.status, 'error');
  t.equal(codeOf(Buffer.from('\ufeff<a/>', 'utf16le')), 'XML-ENCODING', 'UTF-16 with its BOM');
  t.equal(failed(parseSafeXml(Buffer.from('\ufeff<a/>', 'utf16le'))).found, 'a UTF-16 byte-order mark');
  t.equal(codeOf(Buffer.from([0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x61, 0x3e])), 'XML-ENCODING', 'an encoded surrogate');
  t.equal(codeOf(Buffer.from([0x3c, 0x61, 0x3e, 0xc0, 0xaf, 0x3c, 0x2f, 0x61, 0x3e])), 'XML-ENCODING', 'an overlong encoding');
});

t.test('XML-ENCODING: a declared encoding other than UTF-8', async (t) => {
  const error = failed(parse('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'));
  t.equal(error.code, 'XML-ENCODING');
  t.equal(error.found, 'ISO-8859-1');
  t.equal(error.sepMessage, 'Estructura del archivo XML no válida: la codificación declarada ISO-8859-1 no es UTF-8');
  t.ok(parse("<?xml version='1.0' encoding='utf-8' standalone='yes'?><a/>").ok, 'utf-8 in any case is fine');
  t.ok(parse('<?xml version="1.0"?><a/>').ok, 'no encoding means UTF-8');
  t.equal(codeOf('<?xml encoding="UTF-8"?><a/>'), 'XML-MALFORMED', 'version is required');
  t.equal(codeOf(' <?xml version="1.0"?><a/>'), 'XML-MALFORMED', 'the declaration must come first');
});

t.test('XML-DOCTYPE: refused before parsing, billion laughs included', async (t) => {
  let laughs = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n';
  for (let i = 1; i <= 9; i++) {
    laughs += ` <!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">\n`;
  }
  laughs += ']>\n<lolz>&lol9;</lolz>';
  const started = process.hrtime.bigint();
  const error = failed(parse(laughs));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.equal(error.code, 'XML-DOCTYPE');
  t.equal(error.found, '<!DOCTYPE at line 2, column 1');
  t.ok(ms < 50, `rejected in ${ms.toFixed(2)} ms`);
  t.equal(codeOf('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'), 'XML-DOCTYPE', 'external entity');
  t.equal(codeOf('<a><!-- <!doctype x> --></a>'), 'XML-DOCTYPE', 'anywhere, any case');
});

t.test('XML-DUPLICATE-ATTRIBUTE', async (t) => {
  const error = failed(parse('<a><b x="1" y="2" x="3"/></a>'));
  t.equal(error.code, 'XML-DUPLICATE-ATTRIBUTE');
  t.equal(error.node, 'b');
  t.equal(error.attribute, 'x');
  t.equal(error.sepMessage, 'Estructura del archivo XML no válida: el atributo x está repetido en el nodo b');
  t.equal(
    codeOf('<a xmlns:p="urn:u" xmlns:q="urn:u" p:x="1" q:x="2"/>'),
    'XML-DUPLICATE-ATTRIBUTE',
    'two prefixes for one namespace name the same attribute',
  );
  t.ok(parse('<a xmlns:p="urn:u" xmlns:q="urn:v" p:x="1" q:x="2" x="3"/>').ok, 'distinct namespaces are distinct attributes');
});

t.test('XML-LIMIT: nesting depth', async (t) => {
  const nest = (n: number): string => '<e>'.repeat(n) + '</e>'.repeat(n);
  const limits = { ...DEFAULT_XML_LIMITS, maxDepth: 16 };
  t.ok(parse(nest(16), limits).ok, '16 levels');
  const error = failed(parse(nest(17), limits));
  t.equal(error.code, 'XML-LIMIT');
  t.match(error.explanation, /maxDepth/);
  t.equal(error.found, '17 levels');
  t.equal(codeOf(nest(100_000)), 'XML-LIMIT', 'very deep input fails fast, no stack overflow');
});

t.test('XML-LIMIT: attribute length and count', async (t) => {
  const limits = { ...DEFAULT_XML_LIMITS, maxAttributeLength: 10, maxAttributesPerElement: 3 };
  t.ok(parse('<a v="0123456789"/>', limits).ok, 'exactly 10 characters');
  const long = failed(parse('<a v="0123456789X"/>', limits));
  t.equal(long.code, 'XML-LIMIT');
  t.equal(long.attribute, 'v');
  t.match(long.explanation, /maxAttributeLength/);
  t.equal(long.found, '11 characters');
  t.ok(parse('<a v="&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;"/>', limits).ok, 'the decoded length counts');
  t.ok(parse('<a x="1" y="2" z="3"/>', limits).ok, 'exactly 3 attributes');
  const many = failed(parse('<a x="1" y="2" z="3" w="4"/>', limits));
  t.equal(many.code, 'XML-LIMIT');
  t.match(many.explanation, /maxAttributesPerElement/);
  t.equal(many.node, 'a');
});

t.test('XML-LIMIT: elements and attributes in one document', async (t) => {
  const flat = (n: number): string => `<r>${'<a/>'.repeat(n - 1)}</r>`;
  t.ok(parse(flat(MAX_NODES)).ok, `${MAX_NODES} elements`);
  const error = failed(parse(flat(MAX_NODES + 1)));
  t.equal(error.code, 'XML-LIMIT');
  t.equal(error.expected, `at most ${MAX_NODES} elements and attributes`);
  const attributes = `<r>${'<a x="1" y="2" z="3"/>'.repeat(MAX_NODES / 4)}</r>`;
  t.equal(codeOf(attributes), 'XML-LIMIT', 'attributes count too');
});

t.test('references: the five entities and numeric ones are decoded, nothing else exists', async (t) => {
  const root = parsed(parse('<a n="&#209;" h="&#xD1;" H="&#xd1;" e="&lt;&gt;&amp;&apos;&quot;" big="&#x1F600;">&#209;&amp;<![CDATA[&amp;<b>]]></a>'));
  t.equal(attr(root, 'n'), 'Ñ');
  t.equal(attr(root, 'h'), 'Ñ');
  t.equal(attr(root, 'H'), 'Ñ');
  t.equal(attr(root, 'e'), '<>&\'"');
  t.equal(attr(root, 'big'), '😀');
  t.equal(root.text, 'Ñ&&amp;<b>', 'CDATA is literal');
  for (const bad of ['&#0;', '&#x0;', '&#x110000;', '&#1114112;', '&#xD800;', '&#55296;', '&#xFFFE;', '&#1;', '&#;', '&#x;', '&#12a;', '&#xG1;', '&#99999999999999999999;']) {
    t.equal(codeOf(`<a v="${bad}"/>`), 'XML-MALFORMED', `attribute ${bad}`);
    t.equal(codeOf(`<a>${bad}</a>`), 'XML-MALFORMED', `text ${bad}`);
  }
  t.ok(parse('<a v="&#9;&#10;&#13;&#x20;&#xD7FF;&#xE000;&#x10FFFF;"/>').ok, 'legal edge code points');
  const custom = failed(parse('<a v="&nbsp;"/>'));
  t.equal(custom.code, 'XML-MALFORMED');
  t.match(custom.explanation, /&nbsp; is not one of the five predefined entities/);
  t.equal(codeOf('<a>fish & chips</a>'), 'XML-MALFORMED', 'bare ampersand in text');
  t.equal(codeOf('<a v="AT&T"/>'), 'XML-MALFORMED', 'bare ampersand in an attribute');
  t.equal(codeOf('<a v="&amp"/>'), 'XML-MALFORMED', 'reference without ;');
});

t.test('attribute values are kept exactly as written', async (t) => {
  const root = parsed(parse('<a s="  a  b " t="x\ty" n="x\ny" r="x\r\ny" q=\'say "hi"\' g="a>b"/>'));
  t.equal(attr(root, 's'), '  a  b ');
  t.equal(attr(root, 't'), 'x\ty', 'literal tab kept (no XML attribute-value normalization)');
  t.equal(attr(root, 'n'), 'x\ny', 'literal newline kept');
  t.equal(attr(root, 'r'), 'x\r\ny', 'CRLF kept');
  t.equal(attr(root, 'q'), 'say "hi"');
  t.equal(attr(root, 'g'), 'a>b');
  t.same(root.attributes.map((a) => a.name), ['s', 't', 'n', 'r', 'q', 'g'], 'document order');
  const text = parsed(parse('<a>  x \r\n y  </a>'));
  t.equal(text.text, '  x \r\n y  ', 'text untrimmed, CRLF kept');
});

t.test('namespaces', async (t) => {
  const root = parsed(parse(
    '<r xmlns="urn:d" xmlns:p="urn:p"><p:a><b xmlns="urn:inner"/><c xmlns=""/></p:a><d/><xml:e xml:lang="es"/></r>',
  ));
  t.equal(root.namespace, 'urn:d');
  const a = root.children[0]!;
  t.equal(a.name, 'a', 'local name');
  t.equal(a.namespace, 'urn:p');
  t.equal(a.children[0]!.namespace, 'urn:inner');
  t.equal(a.children[1]!.namespace, '', 'xmlns="" undeclares the default');
  t.equal(root.children[1]!.namespace, 'urn:d', 'an inner declaration ends with its element');
  t.equal(root.children[2]!.namespace, 'http://www.w3.org/XML/1998/namespace', 'xml prefix is predeclared');
  t.equal(parsed(parse('<a/>')).namespace, '');

  const undeclared = failed(parse('<r><p:a/></r>'));
  t.equal(undeclared.code, 'XML-MALFORMED');
  t.match(undeclared.explanation, /prefix 'p' of <p:a> is not declared/);
  t.equal(undeclared.node, 'p:a');
  t.equal(codeOf('<r><a xmlns:p="urn:p"/><p:b/></r>'), 'XML-MALFORMED', 'a prefix goes out of scope with its element');
  t.equal(codeOf('<r xsi:schemaLocation="x"/>'), 'XML-MALFORMED', 'undeclared prefix on an attribute');
  t.equal(codeOf('<r xmlns:p=""/>'), 'XML-MALFORMED', 'a prefix cannot be undeclared');
  t.equal(codeOf('<r xmlns:xmlns="urn:x"/>'), 'XML-MALFORMED');
  t.equal(codeOf('<r xmlns:xml="urn:x"/>'), 'XML-MALFORMED');
  t.equal(codeOf('<a:b:c/>'), 'XML-MALFORMED', 'two colons');
  t.equal(codeOf('<:a/>'), 'XML-MALFORMED');
  t.equal(codeOf('<a: xmlns:a="urn:a"/>'), 'XML-MALFORMED');
});

t.test('XML-MALFORMED: structure', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['', 'empty document', /no root element/],
    ['   ', 'whitespace only', /no root element/],
    ['<a/><b/>', 'two roots', /more than one root element/],
    ['<a></a>text', 'text after the root', /may come after the root element/],
    ['text<a/>', 'text before the root', /may come before the root element/],
    ['<a>', 'unclosed root', /<a> is not closed/],
    ['<a><b></a></b>', 'mismatched tags', /<\/a> does not match the open tag <b>/],
    ['<a></A>', 'names are case-sensitive', /<\/A> does not match/],
    ['<a v="x<y"/>', "'<' in an attribute value", /'<' is not allowed in the value of the attribute v/],
    ['<a v=x/>', 'unquoted attribute', /must be quoted/],
    ['<a v="x/>', 'unclosed attribute value', /value of the attribute v is not closed/],
    ['<a x="1"y="2"/>', 'no whitespace between attributes', /expected whitespace/],
    ['<a x/>', 'attribute without value', /expected '=' after the attribute x/],
    ['<1a/>', 'bad element name', /expected an element name/],
    ['<a -x="1"/>', 'bad attribute name', /expected an attribute name/],
    ['<a / >', "'/' not followed by '>'", /'\/' in a tag must be followed by '>'/],
    ['<a>]]></a>', "']]>' in text", /']]>' is not allowed in text/],
    ['<a><!-- a -- b --></a>', "'--' in a comment", /'--' is not allowed inside a comment/],
    ['<a><!-- open</a>', 'unclosed comment', /comment is not closed/],
    ['<a><![CDATA[x</a>', 'unclosed CDATA', /CDATA section is not closed/],
    ['<a><!ELEMENT x></a>', 'markup declaration inside content', /neither a comment nor a CDATA/],
    ['<a><?xml version="1.0"?></a>', 'XML declaration not at the start', /only appear at the very start/],
    ['<a><?pi unclosed</a>', 'unclosed processing instruction', /processing instruction is not closed/],
    ['<a>\u0001</a>', 'control character', /U\+0001 is not allowed/],
    ['<a>\uffff</a>', 'noncharacter', /U\+FFFF is not allowed/],
    ['<a>\u0000</a>', 'NUL', /U\+0000 is not allowed/],
    ['<a', 'ends inside a tag', /ends inside the tag <a>/],
    ['<a></a', 'ends inside a closing tag', /not ended by '>'/],
  ];
  for (const [xml, why, reason] of cases) {
    const error = failed(parse(xml));
    t.equal(error.code, 'XML-MALFORMED', why);
    t.match(error.explanation, reason, why);
  }
  t.ok(parse('<?xml version="1.0"?>\n<!-- c --><?pi data?>\n<a><?p?><!----></a>\n<!-- after --> \n').ok, 'comments, PIs and whitespace around the root');
  t.ok(parse('<a\n  x = "1"\n  y=\'2\'\n></a >').ok, 'whitespace inside tags');
  t.ok(parse('<ñandú año="1"/>').ok, 'non-ASCII names');
  t.ok(parse('<a𐀀/>').ok, 'supplementary-plane name character');
});

t.test('XML-MALFORMED reports line and column', async (t) => {
  const error = failed(parse('<a>\n  <b>\n  </c>\n</a>'));
  t.equal(error.code, 'XML-MALFORMED');
  t.equal(error.found, 'line 3, column 3');
  t.equal(error.expected, '</b>');
  t.equal(error.sepMessage, 'Estructura del archivo XML no válida: error de sintaxis en la línea 3, columna 3');
  t.match(error.explanation, /closing tag <\/c> does not match the open tag <b>/);
});

t.test('names such as __proto__ are plain data', async (t) => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const root = parsed(parse(
    '<__proto__ __proto__="polluted" constructor="c" toString="s" hasOwnProperty="h"><__proto__ prototype="p"/><constructor/></__proto__>',
  ));
  t.equal(root.name, '__proto__');
  t.same(root.attributes, [
    { name: '__proto__', value: 'polluted' },
    { name: 'constructor', value: 'c' },
    { name: 'toString', value: 's' },
    { name: 'hasOwnProperty', value: 'h' },
  ]);
  t.equal(attr(root, '__proto__'), 'polluted');
  t.same(root.children.map((c) => c.name), ['__proto__', 'constructor']);
  t.equal(Object.getPrototypeOf(root), Object.prototype, 'the element is an ordinary object');
  t.same(Object.getOwnPropertyNames(Object.prototype).sort(), before, 'Object.prototype untouched');
  t.equal(typeof ({} as { toString: unknown }).toString, 'function');
});

t.test('never throws on hostile input', async (t) => {
  const base = utf8(sampleTituloXml());
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const interesting = [0x3c, 0x3e, 0x26, 0x22, 0x27, 0x2f, 0x3d, 0x3a, 0x3b, 0x23, 0x00, 0xff, 0xc3, 0x21, 0x5d, 0x3f, 0x2d];
  let failures = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = Buffer.from(base);
    const edits = 1 + random(4);
    for (let k = 0; k < edits; k++) bytes[random(bytes.length)] = interesting[random(interesting.length)]!;
    const cut = random(3) === 0 ? bytes.subarray(0, random(bytes.length)) : bytes;
    let result: ParseXmlResult;
    try {
      result = parseSafeXml(cut);
    } catch (err) {
      t.fail(`threw on mutation ${i}: ${String(err)}`);
      return;
    }
    if (!result.ok) {
      failures++;
      if (!/^XML-/.test(result.error.code) || result.error.status !== 'error' || !result.error.sepMessage) {
        t.fail(`mutation ${i} gave an incomplete failure: ${JSON.stringify(result.error)}`);
        return;
      }
    }
  }
  t.ok(failures > 1000, `${failures} of 3000 mutations rejected`);
});
