import t from 'tap';
import type { XmlElement } from '../../src/intake/xml-tree.js';
import { writeXml } from '../../src/intake/xml-writer.js';
import { parseSafeXml } from '../../src/intake/xml.js';

function parse(text: string): XmlElement {
  const parsed = parseSafeXml(Buffer.from(text, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.explanation);
  return parsed.root;
}

/** Names and namespaces of every element, depth first. */
const shape = (e: XmlElement): string[] => [`{${e.namespace}}${e.name}`, ...e.children.flatMap(shape)];

t.test('a default-namespace document is written as it was read', async (t) => {
  const text = '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="urn:a" v="1&amp;2&#10;">\n  <C x="y"/>\n</R>\n';
  t.equal(writeXml(parse(text)), text);
});

t.test('a prefixed document is written unprefixed, each element still in its namespace', async (t) => {
  const prefixed = '<t:R xmlns:t="urn:a" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:a a.xsd"><t:C/><D xmlns="urn:b"><E/></D><F/></t:R>';
  const root = parse(prefixed);
  const written = writeXml(root);
  t.match(written, /<R xmlns="urn:a" xmlns:t="urn:a" xmlns:xsi=/, 'the default namespace is declared where the prefix was');
  t.same(shape(parse(written)), shape(root), 'same names and namespaces after a round trip');
  t.same(shape(root), ['{urn:a}R', '{urn:a}C', '{urn:b}D', '{urn:b}E', '{}F'], 'including an element in no namespace');
});
