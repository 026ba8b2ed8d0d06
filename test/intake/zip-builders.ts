/**
 * Zip builders for the intake tests: yazl for honest archives, and a byte-level writer for hostile
 * ones whose every header field can lie.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';

export interface HonestEntry {
  readonly name: string;
  readonly data: Buffer | string;
  readonly compress?: boolean;
}

/** A well-formed zip written by yazl. */
export function honestZip(entries: readonly HonestEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    zip.addBuffer(Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8'), e.name, {
      compress: e.compress ?? true,
      mtime: new Date(2024, 0, 1),
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

export interface RawEntry {
  /** Central-directory name (also the local one unless localName is given). */
  readonly name: string | Buffer;
  readonly localName?: string | Buffer;
  /** Uncompressed content (default CRC and uncompressed size come from it). */
  readonly content: Buffer | string;
  /** 0 = stored (default), 8 = deflate (content is deflated here), anything else is written as stored. */
  readonly method?: number;
  /** Replace the bytes written as entry data (after compression). */
  readonly data?: Buffer;
  readonly crc?: number;
  readonly compressedSize?: number;
  readonly uncompressedSize?: number;
  /** General-purpose flags; default 0x800 (UTF-8 names). */
  readonly flags?: number;
  /** Point the central record at another entry's local header (by index). */
  readonly localHeaderOf?: number;
  /** Point the central record at this absolute offset (e.g. inside another entry's data). */
  readonly localHeaderOffset?: number;
  /** Local-header fields that differ from the central record's (a lying local header). */
  readonly localMethod?: number;
  readonly localFlags?: number;
  readonly localCrc?: number;
  readonly localCompressedSize?: number;
  readonly localUncompressedSize?: number;
  /** An extra field written in the local header only (its bytes as given). */
  readonly localExtra?: Buffer;
}

export interface RawZipOptions {
  /** Central-directory order as indexes into entries (default: as given). */
  readonly centralOrder?: readonly number[];
  /** The entry count written in the end-of-central-directory record. */
  readonly entryCount?: number;
}

const asBuffer = (b: Buffer | string): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8'));

/** A zip written byte by byte, with every field under the test's control. */
export function rawZip(entries: readonly RawEntry[], options: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  const facts: { name: Buffer; method: number; flags: number; crc: number; csize: number; usize: number }[] = [];
  let offset = 0;
  for (const e of entries) {
    const content = asBuffer(e.content);
    const method = e.method ?? 0;
    const data = e.data ?? (method === 8 ? deflateRawSync(content) : content);
    const name = asBuffer(e.name);
    const localName = asBuffer(e.localName ?? e.name);
    const f = {
      name,
      method,
      flags: e.flags ?? 0x800,
      crc: e.crc ?? crc32(content),
      csize: e.compressedSize ?? data.length,
      usize: e.uncompressedSize ?? content.length,
    };
    const extra = e.localExtra ?? Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.localFlags ?? f.flags, 6);
    local.writeUInt16LE(e.localMethod ?? f.method, 8);
    local.writeUInt32LE((e.localCrc ?? f.crc) >>> 0, 14);
    local.writeUInt32LE(e.localCompressedSize ?? f.csize, 18);
    local.writeUInt32LE(e.localUncompressedSize ?? f.usize, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(extra.length, 28);
    offsets.push(offset);
    facts.push(f);
    parts.push(local, localName, extra, data);
    offset += 30 + localName.length + extra.length + data.length;
  }
  const centralStart = offset;
  const order = options.centralOrder ?? entries.map((_, i) => i);
  for (const i of order) {
    const f = facts[i]!;
    const e = entries[i]!;
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(f.flags, 8);
    central.writeUInt16LE(f.method, 10);
    central.writeUInt32LE(f.crc >>> 0, 16);
    central.writeUInt32LE(f.csize, 20);
    central.writeUInt32LE(f.usize, 24);
    central.writeUInt16LE(f.name.length, 28);
    central.writeUInt32LE(e.localHeaderOffset ?? offsets[e.localHeaderOf ?? i]!, 42);
    parts.push(central, f.name);
    offset += 46 + f.name.length;
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  const count = options.entryCount ?? order.length;
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(offset - centralStart, 12);
  eocd.writeUInt32LE(centralStart, 16);
  parts.push(eocd);
  return Buffer.concat(parts);
}
