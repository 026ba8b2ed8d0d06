/**
 * The zip around a batch of fuzz documents, and the mutations of its structure: hostile entry names,
 * duplicate entries, compression methods, lying headers, flipped and truncated bytes. The writer is
 * byte-level (every header field under the fuzzer's control); an honest zip is also made with yazl
 * so both producers are exercised.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';
import type { Rng } from './rng.js';

export interface ZipEntry {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface ZipCase {
  readonly zip: Buffer;
  /** The zip-level mutation, or undefined for an honest zip. */
  readonly step: string | undefined;
  /** Entries by name as written (several when a name was duplicated): an accepted document is checked against each. */
  readonly entries: readonly ZipEntry[];
}

interface RawEntry {
  name: Buffer;
  /** Name in the local header when it differs from the central directory's. */
  localName?: Buffer;
  content: Buffer;
  method: number;
  /** Bytes written as data (default: content, deflated for method 8). */
  data?: Buffer;
  crc?: number;
  usize?: number;
  flags?: number;
}

/** A zip written byte by byte: local headers and data, the central directory, the end record. */
function rawZip(entries: readonly RawEntry[], opts: { centralOrder?: readonly number[]; entryCount?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  const sizes: Array<{ crc: number; csize: number; usize: number }> = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.data ?? (e.method === 8 ? deflateRawSync(e.content) : e.content);
    const s = { crc: e.crc ?? crc32(e.content), csize: data.length, usize: e.usize ?? e.content.length };
    const localName = e.localName ?? e.name;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(s.crc >>> 0, 14);
    local.writeUInt32LE(s.csize, 18);
    local.writeUInt32LE(s.usize >>> 0, 22);
    local.writeUInt16LE(localName.length, 26);
    offsets.push(offset);
    sizes.push(s);
    parts.push(local, localName, data);
    offset += 30 + localName.length + data.length;
  }
  const centralStart = offset;
  const order = opts.centralOrder ?? entries.map((_, i) => i);
  for (const i of order) {
    const e = entries[i] as RawEntry;
    const s = sizes[i] as { crc: number; csize: number; usize: number };
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.flags ?? 0x800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(s.crc >>> 0, 16);
    central.writeUInt32LE(s.csize, 20);
    central.writeUInt32LE(s.usize >>> 0, 24);
    central.writeUInt16LE(e.name.length, 28);
    central.writeUInt32LE(offsets[i] as number, 42);
    parts.push(central, e.name);
    offset += 46 + e.name.length;
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  const count = opts.entryCount ?? order.length;
  eocd.writeUInt16LE(count & 0xffff, 8);
  eocd.writeUInt16LE(count & 0xffff, 10);
  eocd.writeUInt32LE(offset - centralStart, 12);
  eocd.writeUInt32LE(centralStart, 16);
  parts.push(eocd);
  return Buffer.concat(parts);
}

/** An honest zip written by yazl (deflate, or stored). */
export async function yazlZip(entries: readonly ZipEntry[], compress = true): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.bytes, e.name, { compress, mtime: new Date(2024, 0, 1) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const raw = (e: ZipEntry, method = 8): RawEntry => ({ name: Buffer.from(e.name, 'utf8'), content: e.bytes, method });

const HOSTILE_NAMES = [
  'a/b.xml', '../titulo.xml', '/abs.xml', 'C:\\x.xml', 'dir\\x.xml', 'titulo.txt', 'titulo', '.xml', '', ' .xml', 'x.xml ',
  'titulo.XML', 'TÍTULO ÑANDÚ.xml', 'x\u0000.xml', 'x\u001f.xml', 'a:b.xml', 'x*.xml', 'x|y.xml', 'CON.xml', `${'n'.repeat(300)}.xml`,
  '__MACOSX/._titulo.xml', 'emoji-😀.xml', 'rtl-\u202egnp.xml', 'x.xml/',
];

/**
 * The zip for a batch: honest in most cases; when `mutate` is set, one structural mutation chosen by
 * `rng`. The result lists every entry name with the bytes stored under it.
 */
export async function zipBatch(rng: Rng, entries: readonly ZipEntry[], mutate: boolean): Promise<ZipCase> {
  if (!mutate) return { zip: await yazlZip(entries), step: undefined, entries };
  const op = rng.pick([
    'stored', 'name', 'latin1-name', 'duplicate', 'case-duplicate', 'nfd-duplicate', 'method', 'truncate', 'flip', 'prefix', 'suffix',
    'crc', 'size-lie', 'entry-count', 'empty', 'directory', 'nested-zip', 'not-xml', 'central-order', 'local-name', 'encrypted',
  ] as const);
  const pickIndex = (): number => rng.int(0, entries.length - 1);
  switch (op) {
    case 'stored':
      return { zip: await yazlZip(entries, false), step: 'entries stored without compression', entries };
    case 'name': {
      const i = pickIndex();
      const name = rng.pick(HOSTILE_NAMES);
      const renamed = entries.map((e, k) => (k === i ? { name, bytes: e.bytes } : e));
      return { zip: rawZip(renamed.map((e) => raw(e))), step: `entry ${i + 1} named ${JSON.stringify(name)}`, entries: renamed };
    }
    case 'latin1-name': {
      // A non-UTF-8 name without the UTF-8 flag: CP437 by the zip spec.
      const i = pickIndex();
      const name = 'TÍTULO.xml';
      const e = { ...raw(entries[i] as ZipEntry), name: Buffer.from(name, 'latin1'), flags: 0 };
      const all = entries.map((x, k) => (k === i ? e : raw(x)));
      return { zip: rawZip(all), step: `entry ${i + 1} named in Latin-1 bytes without the UTF-8 flag`, entries: entries.map((x, k) => (k === i ? { name: 'T\u2550TULO.xml', bytes: x.bytes } : x)) };
    }
    case 'duplicate':
    case 'case-duplicate':
    case 'nfd-duplicate': {
      const i = pickIndex();
      const src = entries[i] as ZipEntry;
      const other = entries[(i + 1) % entries.length] as ZipEntry;
      const name = op === 'duplicate' ? src.name : op === 'case-duplicate' ? src.name.toUpperCase() : src.name.normalize('NFD');
      const copy = { name, bytes: rng.chance(0.5) ? src.bytes : other.bytes };
      const all = [...entries, copy];
      return { zip: rawZip(all.map((e) => raw(e))), step: `${op}: another entry named ${JSON.stringify(name)}`, entries: all };
    }
    case 'method': {
      const i = pickIndex();
      const method = rng.pick([1, 6, 9, 12, 14, 93, 95, 98, 99, 0xffff]);
      const all = entries.map((e, k) => (k === i ? { ...raw(e, 0), method } : raw(e)));
      return { zip: rawZip(all), step: `entry ${i + 1} declares compression method ${method}`, entries };
    }
    case 'truncate': {
      const zip = await yazlZip(entries);
      const at = rng.int(0, zip.length - 1);
      return { zip: zip.subarray(0, at), step: `zip truncated to ${at} of ${zip.length} bytes`, entries };
    }
    case 'flip': {
      const zip = Buffer.from(await yazlZip(entries));
      const at = rng.int(0, zip.length - 1);
      const bit = 1 << rng.int(0, 7);
      zip[at] = (zip[at] as number) ^ bit;
      return { zip, step: `bit ${bit} flipped at byte ${at} of ${zip.length}`, entries };
    }
    case 'prefix': {
      const zip = await yazlZip(entries);
      const junk = Buffer.from(rng.pick(['MZ\u0090\u0000 self-extractor stub', 'PK\u0003\u0004', '\u0000'.repeat(64), '<?xml version="1.0"?>']), 'latin1');
      return { zip: Buffer.concat([junk, zip]), step: `${junk.length} bytes prefixed to the zip`, entries };
    }
    case 'suffix': {
      const zip = await yazlZip(entries);
      const junk = Buffer.from(rng.pick(['trailing junk', 'PK\u0005\u0006', '\u0000'.repeat(1000)]), 'latin1');
      return { zip: Buffer.concat([zip, junk]), step: `${junk.length} bytes appended to the zip`, entries };
    }
    case 'crc': {
      const i = pickIndex();
      const all = entries.map((e, k) => (k === i ? { ...raw(e), crc: (crc32(e.bytes) ^ 0x1) >>> 0 } : raw(e)));
      return { zip: rawZip(all), step: `entry ${i + 1} declares a wrong CRC-32`, entries };
    }
    case 'size-lie': {
      const i = pickIndex();
      const usize = rng.pick([0, 1, (entries[i] as ZipEntry).bytes.length - 1, (entries[i] as ZipEntry).bytes.length + 1, 0xffffffff]);
      const all = entries.map((e, k) => (k === i ? { ...raw(e, rng.pick([0, 8])), usize } : raw(e)));
      return { zip: rawZip(all), step: `entry ${i + 1} declares uncompressed size ${usize}`, entries };
    }
    case 'entry-count': {
      const count = rng.pick([0, entries.length - 1, entries.length + 1, 0xffff]);
      return { zip: rawZip(entries.map((e) => raw(e)), { entryCount: count }), step: `end record declares ${count} entries`, entries };
    }
    case 'empty':
      return { zip: rawZip([]), step: 'a zip with no entries', entries: [] };
    case 'directory': {
      const dir: RawEntry = { name: Buffer.from('titulos/'), content: Buffer.alloc(0), method: 0 };
      return { zip: rawZip([dir, ...entries.map((e) => raw(e))]), step: 'a folder entry before the files', entries };
    }
    case 'nested-zip': {
      const inner = await yazlZip(entries);
      const nested = { name: 'anidado.xml', bytes: inner };
      const all = [...entries.slice(1), nested];
      return { zip: rawZip(all.map((e) => raw(e))), step: 'the first file replaced by a zip named anidado.xml', entries: all };
    }
    case 'not-xml': {
      const i = pickIndex();
      const bytes = Buffer.from(rng.pick(['%PDF-1.7 not a título', '\u0000\u0001\u0002', '{"json":true}', '']), 'latin1');
      const all = entries.map((e, k) => (k === i ? { name: e.name, bytes } : e));
      return { zip: rawZip(all.map((e) => raw(e))), step: `entry ${i + 1} is not XML`, entries: all };
    }
    case 'central-order': {
      const order = rng.shuffle(entries.map((_, i) => i));
      return { zip: rawZip(entries.map((e) => raw(e)), { centralOrder: order }), step: `central directory in order ${order.join(',')}`, entries };
    }
    case 'local-name': {
      const i = pickIndex();
      const all = entries.map((e, k) => (k === i ? { ...raw(e), localName: Buffer.from('otro.xml') } : raw(e)));
      return { zip: rawZip(all), step: `entry ${i + 1} has another name in its local header`, entries };
    }
    case 'encrypted': {
      const i = pickIndex();
      const all = entries.map((e, k) => (k === i ? { ...raw(e), flags: 0x801 } : raw(e)));
      return { zip: rawZip(all), step: `entry ${i + 1} flagged as encrypted`, entries };
    }
  }
}
