import t from 'tap';
import { unpackUpload } from '../../src/intake/package.js';
import type { UnpackResult } from '../../src/intake/package.js';
import { DEFAULT_INTAKE_LIMITS } from '../../src/intake/limits.js';
import type { IntakeLimits } from '../../src/intake/limits.js';
import { parseSafeXml } from '../../src/intake/xml.js';
import type { CheckResult } from '../../src/domain/checks.js';
import { sampleTituloXml } from './sample-titulo.js';
import { honestZip } from './zip-builders.js';

const limits = (over: Partial<IntakeLimits> = {}): IntakeLimits => ({ ...DEFAULT_INTAKE_LIMITS, ...over });

function failed(result: UnpackResult): CheckResult {
  if (result.ok) throw new Error(`expected a failure, got ${result.kind} with ${result.entries.length} entries`);
  return result.error;
}

t.test('the default limits', async (t) => {
  t.equal(DEFAULT_INTAKE_LIMITS.maxUploadBytes, 64 * 1024 * 1024);
  t.equal(DEFAULT_INTAKE_LIMITS.maxEntries, 20_000);
  t.equal(DEFAULT_INTAKE_LIMITS.maxEntryBytes, 2 * 1024 * 1024);
  t.equal(DEFAULT_INTAKE_LIMITS.maxTotalBytes, 512 * 1024 * 1024);
  t.equal(DEFAULT_INTAKE_LIMITS.maxCompressionRatio, 100);
  t.equal(DEFAULT_INTAKE_LIMITS.xml.maxDepth, 16);
});

t.test('a single XML becomes one entry named after the upload', async (t) => {
  const bytes = Buffer.from(sampleTituloXml(), 'utf8');
  const result = await unpackUpload('FOLIO-0001.xml', bytes, limits());
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.kind, 'xml');
  t.equal(result.entries.length, 1);
  t.equal(result.entries[0]!.name, 'FOLIO-0001.xml');
  t.equal(result.entries[0]!.bytes, bytes, 'the bytes are passed through untouched');
});

t.test('an XML with a BOM and leading whitespace is still an XML', async (t) => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \r\n\t' + sampleTituloXml().replace(/^<\?xml[^>]*\?>/, ''), 'utf8')]);
  const result = await unpackUpload('con bom.xml', bytes, limits());
  t.ok(result.ok && result.kind === 'xml');
  if (!result.ok) return;
  const parsed = parseSafeXml(result.entries[0]!.bytes);
  t.ok(parsed.ok && parsed.root.name === 'TituloElectronico', 'and it parses');
});

t.test('the content decides, not the name', async (t) => {
  const xml = await unpackUpload('lote.zip', Buffer.from('<a/>'), limits());
  t.ok(xml.ok && xml.kind === 'xml');
  const zip = await unpackUpload('titulo.xml', await honestZip([{ name: 'a.xml', data: '<a/>' }]), limits());
  t.ok(zip.ok && zip.kind === 'zip');
});

t.test('PKG-EMPTY', async (t) => {
  const error = failed(await unpackUpload('vacio.xml', Buffer.alloc(0), limits()));
  t.equal(error.code, 'PKG-EMPTY');
  t.equal(error.node, 'vacio.xml');
  t.equal(error.found, '0 bytes');
  t.equal(error.sepMessage, 'Archivo no válido: el archivo está vacío');
});

t.test('PKG-TOO-LARGE', async (t) => {
  const small = limits({ maxUploadBytes: 10 });
  t.ok((await unpackUpload('a.xml', Buffer.from('<a>123</a>'), small)).ok, 'exactly at the limit');
  const error = failed(await unpackUpload('a.xml', Buffer.from('<a>1234</a>'), small));
  t.equal(error.code, 'PKG-TOO-LARGE');
  t.equal(error.found, '11 bytes');
  t.equal(error.expected, 'at most 10 bytes');
  t.equal(error.node, 'a.xml');
  const zip = failed(await unpackUpload('a.zip', await honestZip([{ name: 'a.xml', data: '<a/>' }]), small));
  t.equal(zip.code, 'PKG-TOO-LARGE', 'a zip is measured compressed, before opening');
});

t.test('PKG-FORMAT', async (t) => {
  const pdf = failed(await unpackUpload('titulo.pdf', Buffer.from('%PDF-1.4\n...'), limits()));
  t.equal(pdf.code, 'PKG-FORMAT');
  t.equal(pdf.found, 'first bytes 25 50 44 46 2d 31 2e 34');
  t.equal(pdf.node, 'titulo.pdf');
  t.equal(pdf.sepMessage, 'Archivo no válido: no es un archivo XML ni un archivo ZIP');
  const utf16 = failed(await unpackUpload('t.xml', Buffer.from('\ufeff<a/>', 'utf16le'), limits()));
  t.equal(utf16.code, 'PKG-FORMAT');
  t.match(utf16.explanation, /UTF-16/);
  t.equal(failed(await unpackUpload('t', Buffer.from('PK'), limits())).code, 'PKG-FORMAT', 'two bytes are not a zip');
  t.equal(failed(await unpackUpload('t', Buffer.from(' \n\t '), limits())).code, 'PKG-FORMAT', 'whitespace only');
  t.equal(failed(await unpackUpload('t', Buffer.from([0xef, 0xbb, 0xbf]), limits())).code, 'PKG-FORMAT', 'a BOM only');
});
