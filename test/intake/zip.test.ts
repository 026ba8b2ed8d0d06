import t from 'tap';
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { unpackUpload } from '../../src/intake/package.js';
import type { UnpackResult } from '../../src/intake/package.js';
import { DEFAULT_INTAKE_LIMITS } from '../../src/intake/limits.js';
import type { IntakeLimits } from '../../src/intake/limits.js';
import type { CheckResult } from '../../src/domain/checks.js';
import { sampleTituloXml } from './sample-titulo.js';
import { honestZip, rawZip } from './zip-builders.js';
import type { RawEntry } from './zip-builders.js';

const limits = (over: Partial<IntakeLimits> = {}): IntakeLimits => ({ ...DEFAULT_INTAKE_LIMITS, ...over });

const unpack = (bytes: Buffer, over: Partial<IntakeLimits> = {}): Promise<UnpackResult> =>
  unpackUpload('lote.zip', bytes, limits(over));

function failed(result: UnpackResult): CheckResult {
  if (result.ok) throw new Error(`expected a failure, got ${result.kind} with ${result.entries.length} entries`);
  return result.error;
}

async function failure(bytes: Buffer, over: Partial<IntakeLimits> = {}): Promise<CheckResult> {
  return failed(await unpack(bytes, over));
}

t.test('an honest zip of three títulos', async (t) => {
  const xmls = ['A', 'B', 'C'].map((f) => sampleTituloXml(`F-${f}`));
  const zip = await honestZip([
    { name: 'Título Ñ 1.xml', data: xmls[0]! },
    { name: 'b.XML', data: xmls[1]!, compress: false },
    { name: '__proto__.xml', data: xmls[2]! },
  ]);
  const result = await unpack(zip);
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.kind, 'zip');
  t.same(result.entries.map((e) => e.name), ['Título Ñ 1.xml', 'b.XML', '__proto__.xml']);
  t.same(result.entries.map((e) => e.bytes.toString('utf8')), xmls, 'inflated bytes are exact');
});

t.test('entries come back in central-directory order', async (t) => {
  const entries: RawEntry[] = ['one', 'two', 'three'].map((n) => ({ name: `${n}.xml`, content: `<${n}/>`, method: 8 }));
  const result = await unpack(rawZip(entries, { centralOrder: [2, 0, 1] }));
  t.ok(result.ok);
  if (!result.ok) return;
  t.same(result.entries.map((e) => e.name), ['three.xml', 'one.xml', 'two.xml']);
  t.same(result.entries.map((e) => e.bytes.toString()), ['<three/>', '<one/>', '<two/>']);
});

t.test('many entries inflate with results in order', async (t) => {
  const entries = Array.from({ length: 300 }, (_, i) => ({ name: `t${i}.xml`, data: sampleTituloXml(`F${i}`), compress: i % 3 !== 0 }));
  const result = await unpack(await honestZip(entries));
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.entries.length, 300);
  t.ok(result.entries.every((e, i) => e.name === `t${i}.xml` && e.bytes.toString() === entries[i]!.data));
});

t.test('PKG-ZIP-NO-XML: an empty archive', async (t) => {
  const empty = await honestZip([]);
  t.equal(empty.readUInt32LE(0), 0x06054b50, 'starts with the end-of-central-directory record');
  const error = await failure(empty);
  t.equal(error.code, 'PKG-ZIP-NO-XML');
  t.equal(error.node, 'lote.zip');
  t.equal(error.sepMessage, 'Archivo no válido: el archivo ZIP no contiene archivos XML');
});

t.test('PKG-ZIP-ENTRIES', async (t) => {
  const zip = await honestZip(['a', 'b', 'c'].map((n) => ({ name: `${n}.xml`, data: '<a/>' })));
  t.ok((await unpack(zip, { maxEntries: 3 })).ok, 'exactly at the limit');
  const error = await failure(zip, { maxEntries: 2 });
  t.equal(error.code, 'PKG-ZIP-ENTRIES');
  t.equal(error.found, '3 entries');
  t.equal(error.expected, 'at most 2 entries');
});

t.test('PKG-ZIP-NAME: only flat *.xml names', async (t) => {
  const bad = [
    '../evil.xml',
    '../../etc/passwd.xml',
    'dir/a.xml',
    'dir/',
    '/abs.xml',
    'dir\\back.xml',
    'C:evil.xml',
    '__MACOSX/._a.xml',
    'a.txt',
    'a.xml.exe',
    '.xml',
    'a\u0001.xml',
    'x'.repeat(300) + '.xml',
  ];
  for (const name of bad) {
    const error = await failure(rawZip([{ name: 'ok.xml', content: '<a/>' }, { name, content: '<a/>' }]));
    t.equal(error.code, 'PKG-ZIP-NAME', JSON.stringify(name));
    t.equal(error.node, name);
    t.equal(error.found, name);
  }
  const folder = await failure(rawZip([{ name: 'dir/a.xml', content: '<a/>' }]));
  t.match(folder.explanation, /flat, without folders/, 'tells the user to zip flat');
  const macos = await failure(rawZip([{ name: 'a.xml', content: '<a/>' }, { name: '__MACOSX/._a.xml', content: 'junk' }]));
  t.match(macos.explanation, /macOS/);
  t.match(macos.sepMessage, /no se permiten carpetas/);
  const invalidUtf8 = await failure(rawZip([{ name: Buffer.from([0x61, 0xff, 0x2e, 0x78, 0x6d, 0x6c]), content: '<a/>' }]));
  t.equal(invalidUtf8.code, 'PKG-ZIP-NAME', 'a UTF-8-flagged name that is not UTF-8');
});

t.test('names: case-insensitive extension, CP437 and UTF-8 decoding', async (t) => {
  const cp437 = Buffer.from([0x61, 0xa4, 0x6f, 0x2e, 0x78, 0x6d, 0x6c]); // "año.xml" in CP437
  const result = await unpack(rawZip([
    { name: 'UPPER.XML', content: '<a/>' },
    { name: cp437, content: '<b/>', flags: 0 },
    { name: 'Ñandú.xml', content: '<c/>' },
  ]));
  t.ok(result.ok);
  if (!result.ok) return;
  t.same(result.entries.map((e) => e.name), ['UPPER.XML', 'año.xml', 'Ñandú.xml']);
});

t.test('PKG-ZIP-DUPLICATE: same name ignoring case and Unicode normalization', async (t) => {
  const exact = await failure(rawZip([{ name: 'a.xml', content: '<a/>' }, { name: 'b.xml', content: '<b/>' }, { name: 'a.xml', content: '<c/>' }]));
  t.equal(exact.code, 'PKG-ZIP-DUPLICATE');
  t.equal(exact.node, 'a.xml');
  t.equal(exact.found, '"a.xml" and "a.xml"');
  const cased = await failure(rawZip([{ name: 'Folio.xml', content: '<a/>' }, { name: 'FOLIO.XML', content: '<b/>' }]));
  t.equal(cased.code, 'PKG-ZIP-DUPLICATE');
  t.equal(cased.found, '"Folio.xml" and "FOLIO.XML"');
  const composed = 'T\u00edtulo.xml';
  const decomposed = 'Ti\u0301tulo.xml';
  t.not(composed, decomposed);
  t.equal((await failure(rawZip([{ name: composed, content: '<a/>' }, { name: decomposed, content: '<b/>' }]))).code, 'PKG-ZIP-DUPLICATE');
});

t.test('PKG-ZIP-ENTRY-SIZE', async (t) => {
  const zip = await honestZip([{ name: 'a.xml', data: `<a>${'x'.repeat(993)}</a>` }, { name: 'b.xml', data: `<b>${'y'.repeat(1994)}</b>` }]);
  t.ok((await unpack(zip, { maxEntryBytes: 2001 })).ok, 'exactly at the limit');
  const error = await failure(zip, { maxEntryBytes: 2000 });
  t.equal(error.code, 'PKG-ZIP-ENTRY-SIZE');
  t.equal(error.node, 'b.xml');
  t.equal(error.found, '2001 bytes declared');
  t.equal(error.expected, 'at most 2000 bytes');
});

t.test('PKG-ZIP-TOTAL-SIZE', async (t) => {
  const entry = (n: string): { name: string; data: string } => ({ name: `${n}.xml`, data: `<a>${'z'.repeat(593)}</a>` });
  const zip = await honestZip(['a', 'b', 'c'].map(entry));
  t.ok((await unpack(zip, { maxTotalBytes: 1800 })).ok, 'exactly at the limit');
  const error = await failure(zip, { maxTotalBytes: 1799 });
  t.equal(error.code, 'PKG-ZIP-TOTAL-SIZE');
  t.equal(error.node, 'c.xml', 'names the entry that crossed the cap');
  t.equal(error.found, '1800 bytes declared up to this entry');
});

t.test('PKG-ZIP-RATIO: a zip bomb', async (t) => {
  const zeros = Buffer.alloc(1024 * 1024);
  const bomb = await honestZip([{ name: 'a.xml', data: '<a/>' }, { name: 'bomb.xml', data: zeros }]);
  t.ok(bomb.length < 5000, `1 MiB in ${bomb.length} bytes`);
  const started = process.hrtime.bigint();
  const error = await failure(bomb);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.equal(error.code, 'PKG-ZIP-RATIO');
  t.equal(error.node, 'bomb.xml');
  t.match(error.found, /^1048576 bytes declared from \d+ compressed$/);
  t.equal(error.expected, 'at most 100:1');
  t.ok(ms < 100, `rejected in ${ms.toFixed(1)} ms, before inflating`);
  t.ok((await unpack(bomb, { maxCompressionRatio: 2000 })).ok, 'a higher ratio lets it through');

  const huge = rawZip([{ name: 'huge.xml', content: Buffer.alloc(64 * 1024 * 1024), method: 8 }]);
  t.equal((await failure(huge, { maxEntryBytes: 128 * 1024 * 1024 })).code, 'PKG-ZIP-RATIO', '64 MiB of zeros');
});

t.test('lying headers: the declared size is enforced while inflating', async (t) => {
  const content = Buffer.alloc(5 * 1024 * 1024, 0x20);
  const compressed = deflateRawSync(content);
  const started = process.hrtime.bigint();
  const small = await failure(rawZip([{ name: 'liar.xml', content, method: 8, uncompressedSize: 1000 }]));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.equal(small.code, 'PKG-ZIP-CORRUPT');
  t.equal(small.node, 'liar.xml');
  t.match(small.found, /too many bytes in the stream\. expected 1000/);
  t.ok(compressed.length * 100 > 1000, 'the declared ratio itself looks harmless');
  t.ok(ms < 200, `stopped after the first chunk (${ms.toFixed(1)} ms)`);

  const zero = await failure(rawZip([{ name: 'zero.xml', content, method: 8, uncompressedSize: 0 }]));
  t.equal(zero.code, 'PKG-ZIP-CORRUPT', 'declaring size 0 does not bypass the caps');
  t.match(zero.found, /expected 0/);

  const more = await failure(rawZip([{ name: 'more.xml', content: '<a/>', method: 8, uncompressedSize: 10 }]));
  t.equal(more.code, 'PKG-ZIP-CORRUPT');
  t.match(more.found, /not enough bytes/);

  const stored = await failure(rawZip([{ name: 's.xml', content: '<a>123</a>', uncompressedSize: 5 }]));
  t.equal(stored.code, 'PKG-ZIP-CORRUPT', 'a stored entry whose two sizes disagree');
});

t.test('PKG-ZIP-CRC', async (t) => {
  const content = Buffer.from(sampleTituloXml(), 'utf8');
  const flipped = Buffer.from(content);
  flipped[100] = flipped[100]! ^ 0x01;
  const error = await failure(rawZip([{ name: 'ok.xml', content: '<a/>' }, { name: 'flipped.xml', content, data: flipped }]));
  t.equal(error.code, 'PKG-ZIP-CRC');
  t.equal(error.node, 'flipped.xml');
  t.match(error.expected, /^CRC-32 [0-9A-F]{8}$/);
  t.match(error.found, /^CRC-32 [0-9A-F]{8}$/);
  t.not(error.expected?.slice(7), error.found?.slice(7));
  t.ok((await unpack(rawZip([{ name: 'flipped.xml', content }]))).ok, 'the same entry unflipped passes');
  const deflated = await failure(rawZip([{ name: 'd.xml', content, method: 8, crc: 0x12345678 }]));
  t.equal(deflated.code, 'PKG-ZIP-CRC', 'a deflated entry with a wrong CRC field');
  t.equal(deflated.expected, 'CRC-32 12345678');
});

t.test('PKG-ZIP-CORRUPT: truncated archives', async (t) => {
  const zip = await honestZip(['a', 'b', 'c'].map((n) => ({ name: `${n}.xml`, data: sampleTituloXml(n) })));
  const half = await failure(zip.subarray(0, zip.length >> 1));
  t.equal(half.code, 'PKG-ZIP-CORRUPT');
  t.equal(half.node, 'lote.zip');
  t.match(half.found, /End of central directory record signature not found/);
  let checked = 0;
  for (let cut = 4; cut < zip.length; cut += 97) {
    const result = await unpack(zip.subarray(0, cut));
    if (result.ok) {
      t.fail(`a zip cut at ${cut} of ${zip.length} bytes was accepted`);
      return;
    }
    checked++;
  }
  t.ok(checked > 50, `${checked} truncations all rejected`);
});

t.test('PKG-ZIP-CORRUPT: encrypted entries', async (t) => {
  const error = await failure(rawZip([{ name: 'secreto.xml', content: '<a/>', method: 8, flags: 0x801 }]));
  t.equal(error.code, 'PKG-ZIP-CORRUPT');
  t.equal(error.node, 'secreto.xml');
  t.match(error.explanation, /encrypted \(password-protected\)/);
  t.equal(error.sepMessage, 'Archivo no válido: el archivo secreto.xml dentro del ZIP está cifrado o protegido con contraseña');
  const strong = await failure(rawZip([{ name: 'fuerte.xml', content: '<a/>', method: 8, flags: 0x841 }]));
  t.equal(strong.code, 'PKG-ZIP-CORRUPT');
  t.match(strong.found, /strong encryption/);
});

t.test('PKG-ZIP-CORRUPT: methods, bad deflate data, overlapping entries', async (t) => {
  const bzip = await failure(rawZip([{ name: 'b.xml', content: '<a/>', method: 12 }]));
  t.equal(bzip.code, 'PKG-ZIP-CORRUPT');
  t.equal(bzip.found, 'compression method 12');

  const garbage = await failure(rawZip([{ name: 'g.xml', content: '<a/>', method: 8, data: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]) }]));
  t.equal(garbage.code, 'PKG-ZIP-CORRUPT');
  t.equal(garbage.node, 'g.xml');

  const overlap = await failure(rawZip([
    { name: 'a.xml', content: '<a/>' },
    { name: 'b.xml', content: '<a/>', localHeaderOf: 0 },
  ]));
  t.equal(overlap.code, 'PKG-ZIP-CORRUPT');
  t.match(overlap.explanation, /overlap/);
});

t.test('the first failure in central-directory order wins, whatever inflates first', async (t) => {
  const content = (i: number): string => sampleTituloXml(`F${i}`);
  const entries: RawEntry[] = Array.from({ length: 40 }, (_, i) => ({ name: `t${i}.xml`, content: content(i), method: i % 2 === 0 ? 8 : 0 }));
  // A large deflated entry whose CRC fails only after many inflate rounds, and a later one that
  // fails at once: the later failure happens first, the earlier one must be reported.
  entries[21] = { name: 't21.xml', content: randomBytes(1536 * 1024), method: 8, crc: 0x12345678 };
  entries[25] = { name: 't25.xml', content: content(25), method: 8, data: Buffer.alloc(200, 0xff) };
  const zip = rawZip(entries);
  for (let run = 0; run < 5; run++) {
    const error = await failure(zip);
    t.equal(`${error.code} ${error.node}`, 'PKG-ZIP-CRC t21.xml', `run ${run}`);
  }
});

t.test('hostile zips never crash, throw or hang', async (t) => {
  const base = await honestZip([
    { name: 'a.xml', data: sampleTituloXml('A') },
    { name: 'b.xml', data: sampleTituloXml('B'), compress: false },
    { name: 'c.xml', data: sampleTituloXml('C') },
  ]);
  let seed = 424242;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let rejected = 0;
  for (let i = 0; i < 400; i++) {
    const bytes = Buffer.from(base);
    const edits = 1 + random(6);
    for (let k = 0; k < edits; k++) bytes[4 + random(bytes.length - 4)] = random(256);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), 5000); });
    const result = await Promise.race([unpack(bytes), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      t.fail(`mutation ${i} never settled`);
      return;
    }
    if (!result.ok) {
      rejected++;
      if (!/^PKG-/.test(result.error.code) || !result.error.sepMessage || !result.error.node) {
        t.fail(`mutation ${i} gave an incomplete failure: ${JSON.stringify(result.error)}`);
        return;
      }
    }
  }
  t.ok(rejected > 200, `${rejected} of 400 mutated zips rejected, none crashed`);
});

t.test('PKG-ZIP-CORRUPT: a local header that disagrees with its central record', async (t) => {
  const content = sampleTituloXml('LOCAL');
  const honest = { name: 'a.xml', content, method: 8 } as const;
  t.ok((await unpack(rawZip([honest]))).ok, 'the honest entry passes');
  const lies: Array<[string, Partial<RawEntry>, RegExp]> = [
    ['local sizes bigger', { localCompressedSize: 999_999, localUncompressedSize: 999_999 }, /999999 compressed bytes in the local header/],
    ['local sizes smaller', { localCompressedSize: 1, localUncompressedSize: 1 }, /1 compressed bytes in the local header/],
    ['local uncompressed size only', { localUncompressedSize: 7 }, /7 uncompressed bytes in the local header/],
    ['local CRC', { localCrc: 0x12345678 }, /CRC-32 12345678 in the local header/],
    ['local method', { localMethod: 0 }, /compression method 0 in the local header, 8 in the central directory/],
    ['local name', { localName: '../evil.xml' }, /the local header names the file "\.\.\/evil\.xml", the central directory "a\.xml"/],
  ];
  for (const [label, lie, found] of lies) {
    const error = await failure(rawZip([{ name: 'ok.xml', content: '<a/>' }, { ...honest, ...lie }]));
    t.equal(error.code, 'PKG-ZIP-CORRUPT', label);
    t.equal(error.node, 'a.xml', label);
    t.match(error.found, found, label);
  }
  const central = await failure(rawZip([{ name: 'a.xml', content: '<a/>', uncompressedSize: 40, compressedSize: 40, localUncompressedSize: 4, localCompressedSize: 4 }]));
  t.equal(central.code, 'PKG-ZIP-CORRUPT', 'central sizes bigger than the local ones');
  const descriptor = await unpack(rawZip([{ ...honest, flags: 0x808, localCrc: 0, localCompressedSize: 0, localUncompressedSize: 0 }]));
  t.ok(descriptor.ok, 'sizes and CRC left at 0 in the local header under the data-descriptor flag are accepted, as writers of streams do');
  const zip64 = await unpack(rawZip([{ ...honest, localCompressedSize: 0xffffffff, localUncompressedSize: 0xffffffff }]));
  t.ok(zip64.ok, 'a ZIP64 marker in the local header is not a disagreement');
});

t.test('PKG-ZIP-CORRUPT: a local header hidden behind a long local extra field in the previous entry\'s data', async (t) => {
  const extra = Buffer.alloc(64);
  const inner = rawZip([{ name: 'b.xml', content: '<b/>' }]).subarray(0, 30 + 5 + 4);
  const filler = Buffer.from(`<a>${'x'.repeat(200)}</a>`);
  const bOffset = 30 + 5 + extra.length + filler.length;
  const error = await failure(rawZip([
    { name: 'a.xml', content: Buffer.concat([filler, inner]), localExtra: extra },
    { name: 'b.xml', content: '<b/>', localHeaderOffset: bOffset },
  ]));
  t.equal(error.code, 'PKG-ZIP-CORRUPT');
  t.equal(error.node, 'b.xml');
  t.match(error.explanation, /overlap/);
  const apart = await unpack(rawZip([{ name: 'a.xml', content: filler, localExtra: extra }, { name: 'b.xml', content: '<b/>' }]));
  t.ok(apart.ok, 'a long local extra field alone is fine');
});
