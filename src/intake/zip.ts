/**
 * Reads an untrusted zip held in memory into its XML entries, or the one PKG-* check that failed.
 *
 * Two passes over yauzl's lazy entry stream: first the whole central directory is judged (count, names,
 * duplicates, encryption, method, declared sizes and ratios, overlapping data) without inflating a
 * byte; then each entry is located through its local header and inflated in central-directory
 * order, never past its declared size (which pass 1 held to the caps) and counted again, so a lying
 * header can never make us hold more than the caps. Nothing is written to disk.
 *
 * `indexZip` runs pass 1 and locates every entry without inflating any, so that the entries can be
 * inflated later, a few at a time and on any thread, with `inflateEntry` (the same bounded inflate
 * and CRC check as pass 2). It answers only for a zip whose every header is sound; anything else is
 * left to `readZip`, which names the exact failure.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { fail } from '../domain/checks.js';
import type { CheckCode } from '../domain/check-codes.js';
import type { CheckResult } from '../domain/checks.js';
import type { IntakeLimits } from './limits.js';
import type { PackageEntry } from './package.js';
import { duplicateKey, entryNameProblem } from './zip-entry-name.js';
import { SEP_PACKAGE } from './messages.js';

// Documented yauzl 3 API that @types/yauzl 2.10 does not describe.
declare module 'yauzl' {
  interface Entry {
    /** The undecoded file name (always set by yauzl 3). */
    fileNameRaw: Buffer;
  }
  function getFileNameLowLevel(
    generalPurposeBitFlag: number,
    fileNameBuffer: Buffer,
    extraFields: ReadonlyArray<{ id: number; data: Buffer }>,
    strictFileNames: boolean,
  ): string;
}

export type ZipResult =
  | { readonly ok: true; readonly entries: PackageEntry[] }
  | { readonly ok: false; readonly error: CheckResult };

/** Where a file's bytes lie in the upload: `size` bytes from `offset`, stored (0) or deflated (8). */
export interface FileLocation {
  readonly offset: number;
  readonly size: number;
  readonly method: typeof STORED | typeof DEFLATED;
}

/** A zip entry located in the archive, with what it must inflate to. */
export interface LocatedEntry extends FileLocation {
  readonly name: string;
  readonly uncompressedSize: number;
  readonly crc32: number;
}

const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  // Names are decoded by us (with strictFileNames semantics) so that a traversal name such as
  // `../evil.xml` is reported as PKG-ZIP-NAME for that entry instead of a whole-archive error.
  decodeStrings: false,
  strictFileNames: true,
  validateEntrySizes: true,
};

const STORED = 0 as const;
const DEFLATED = 8 as const;
const LOCAL_HEADER_FIXED_BYTES = 30;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
/** zlib's smallest output chunk. */
const MIN_CHUNK = 64;
/** Inflating gives the event loop a turn after this many milliseconds. */
const SLICE_MS = 10;

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CheckResult };

/** Never rejects: every failure, including yauzl's own errors, resolves as a CheckResult. */
export async function readZip(archiveName: string, bytes: Buffer, limits: IntakeLimits): Promise<ZipResult> {
  const result = await read(archiveName, bytes, limits, 'inflate');
  if (result.ok && !('entries' in result)) throw new Error('readZip: the reader located instead of inflating');
  return result;
}

/**
 * The first failure readZip would report, found holding one inflated entry at a time; null when the
 * zip is sound. Never rejects.
 */
export async function verifyZip(archiveName: string, bytes: Buffer, limits: IntakeLimits): Promise<CheckResult | null> {
  const result = await read(archiveName, bytes, limits, 'verify');
  return result.ok ? null : result.error;
}

/**
 * Every entry located, none inflated; null when the zip fails any check up to there (readZip
 * then names the failure). Never rejects.
 */
export async function indexZip(bytes: Buffer, limits: IntakeLimits): Promise<LocatedEntry[] | null> {
  const result = await read('', bytes, limits, 'index');
  return result.ok && 'located' in result ? result.located : null;
}

/**
 * What pass 2 does: `inflate` keeps every entry; `verify` inflates each and lets it go (only the
 * first failure is wanted); `index` inflates nothing and locates every entry.
 */
type ReadMode = 'inflate' | 'verify' | 'index';
type ReadResult = ZipResult | { readonly ok: true; readonly located: LocatedEntry[] };

function read(archiveName: string, bytes: Buffer, limits: IntakeLimits, mode: ReadMode): Promise<ReadResult> {
  return new Promise((resolve) => {
    const corrupt = (err: unknown): void =>
      resolve({ ok: false, error: corruptArchive(archiveName, err) });
    try {
      yauzl.fromBuffer(bytes, OPTIONS, (err, zipfile) => {
        if (err !== null || zipfile === undefined) return corrupt(err);
        new ZipReader(archiveName, bytes, zipfile, limits, mode, resolve).start();
      });
    } catch (err) {
      corrupt(err);
    }
  });
}

interface Planned {
  readonly entry: Entry;
  readonly name: string;
}

class ZipReader {
  private settled = false;
  private readonly planned: Planned[] = [];
  /** duplicateKey → first name seen (a Map, so names like `__proto__` are plain keys). */
  private readonly seen = new Map<string, string>();
  private declaredTotal = 0;
  private inflatedTotal = 0;
  private readonly entries: PackageEntry[] = [];

  constructor(
    private readonly archiveName: string,
    private readonly bytes: Buffer,
    private readonly zip: ZipFile,
    private readonly limits: IntakeLimits,
    private readonly mode: ReadMode,
    private readonly resolve: (result: ReadResult) => void,
  ) {}

  start(): void {
    const zip = this.zip;
    // Stays attached for the zipfile's whole life: a late error after we settled must not crash.
    zip.on('error', (err: unknown) => this.finish({ ok: false, error: corruptArchive(this.archiveName, err, this.planned.length + 1) }));
    if (zip.entryCount > this.limits.maxEntries) {
      return this.fail('PKG-ZIP-ENTRIES', this.archiveName,
        `The zip holds ${zip.entryCount} entries; the limit (maxEntries) is ${this.limits.maxEntries}.`,
        SEP_PACKAGE.entries(this.limits.maxEntries),
        { expected: `at most ${this.limits.maxEntries} entries`, found: `${zip.entryCount} entries` });
    }
    zip.on('entry', (entry: Entry) => this.guard(() => this.plan(entry)));
    zip.on('end', () => this.guard(() => this.afterDirectory()));
    this.guard(() => zip.readEntry());
  }

  /** Pass 1: judge one central-directory record without touching its data. */
  private plan(entry: Entry): void {
    if (this.settled) return;
    const limits = this.limits;
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    const nameProblem = entryNameProblem(name);
    if (nameProblem !== undefined) {
      return this.fail('PKG-ZIP-NAME', name, `The zip entry "${name}" is not accepted: ${nameProblem}.`, SEP_PACKAGE.name(name), {
        expected: 'a flat file name ending in .xml (no folders)',
        found: name,
      });
    }
    const key = duplicateKey(name);
    const earlier = this.seen.get(key);
    if (earlier !== undefined) {
      return this.fail('PKG-ZIP-DUPLICATE', name,
        `The zip holds "${earlier}" and "${name}", the same file name (compared ignoring case); each título must be a distinct file.`,
        SEP_PACKAGE.duplicate(name), { expected: 'unique entry names (ignoring case)', found: `"${earlier}" and "${name}"` });
    }
    this.seen.set(key, name);
    if (entry.isEncrypted()) {
      return this.fail('PKG-ZIP-CORRUPT', name,
        `The zip entry "${name}" is encrypted (password-protected) and cannot be read; zip the XML files without a password.`,
        SEP_PACKAGE.encrypted(name), { expected: 'an unencrypted entry', found: 'encrypted entry' });
    }
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
      return this.fail('PKG-ZIP-CORRUPT', name,
        `The zip entry "${name}" uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are supported.`,
        SEP_PACKAGE.corruptEntry(name), { expected: 'compression method 0 or 8', found: `compression method ${entry.compressionMethod}` });
    }
    if (entry.uncompressedSize > limits.maxEntryBytes) {
      return this.finishWith(this.entryTooLarge(name, `${entry.uncompressedSize} bytes declared`));
    }
    if (entry.uncompressedSize > entry.compressedSize * limits.maxCompressionRatio) {
      return this.finishWith(this.ratioTooHigh(name, `${entry.uncompressedSize} bytes declared from ${entry.compressedSize} compressed`));
    }
    this.declaredTotal += entry.uncompressedSize;
    if (this.declaredTotal > limits.maxTotalBytes) {
      return this.finishWith(this.totalTooLarge(name, `${this.declaredTotal} bytes declared up to this entry`));
    }
    this.planned.push({ entry, name });
    this.zip.readEntry();
  }

  private afterDirectory(): void {
    if (this.settled) return;
    if (this.planned.length === 0) {
      return this.fail('PKG-ZIP-NO-XML', this.archiveName, 'The zip holds no XML file.', SEP_PACKAGE.noXml(), {
        expected: 'at least one .xml entry',
        found: 'no entries',
      });
    }
    const overlap = findOverlap(this.bytes, this.planned);
    if (overlap !== undefined) {
      return this.fail('PKG-ZIP-CORRUPT', overlap.second,
        `The data of the zip entries "${overlap.first}" and "${overlap.second}" overlap, a known zip-bomb construction; the zip is refused.`,
        SEP_PACKAGE.corruptEntry(overlap.second), { expected: 'entries with disjoint data', found: `"${overlap.second}" starts inside "${overlap.first}"` });
    }
    if (this.mode === 'index') return this.locateAll();
    this.inflateAll();
  }

  /** Every entry's data located through its local header; the first that cannot be, fails. */
  private locateAll(): void {
    const located: LocatedEntry[] = [];
    for (const planned of this.planned) {
      const outcome = locateEntry(this.bytes, planned.entry, planned.name);
      if (!outcome.ok) return this.finishWith(outcome.error);
      located.push(outcome.value);
    }
    this.finish({ ok: true, located });
  }

  /**
   * Pass 2: each entry in central-directory order, read from its local header in the buffer and
   * inflated in one bounded call that stops past the declared size, so the failure reported is
   * always the first one in that order. The event loop gets a turn every few milliseconds.
   */
  private inflateAll(): void {
    let next = 0;
    const slice = (): void => {
      const started = performance.now();
      while (!this.settled) {
        const planned = this.planned[next];
        if (planned === undefined) return this.finish({ ok: true, entries: this.entries });
        const located = locateEntry(this.bytes, planned.entry, planned.name);
        if (!located.ok) return this.finishWith(located.error);
        const inflated = inflateEntry(this.bytes, located.value, this.limits);
        if (!inflated.ok) return this.finishWith(inflated.error);
        this.inflatedTotal += inflated.value.length;
        if (this.inflatedTotal > this.limits.maxTotalBytes) return this.finishWith(inflatedPastTotal(planned.name, this.limits));
        const { offset, size, method } = located.value;
        if (this.mode === 'inflate') this.entries.push({ name: planned.name, bytes: inflated.value, location: { offset, size, method } });
        next++;
        if (performance.now() - started >= SLICE_MS) {
          setImmediate(() => this.guard(slice));
          return;
        }
      }
    };
    slice();
  }

  private entryTooLarge(name: string, found: string): CheckResult {
    return entryTooLarge(name, found, this.limits);
  }

  private ratioTooHigh(name: string, found: string): CheckResult {
    return ratioTooHigh(name, found, this.limits);
  }

  private totalTooLarge(name: string, found: string): CheckResult {
    return totalTooLarge(name, found, this.limits);
  }

  private failure(code: CheckCode, node: string, explanation: string, sepMessage: string, where: { expected: string; found: string }): CheckResult {
    return fail(code, explanation, sepMessage, { node, ...where });
  }

  private finishWith(error: CheckResult): void {
    this.finish({ ok: false, error });
  }

  private fail(code: CheckCode, node: string, explanation: string, sepMessage: string, where: { expected: string; found: string }): void {
    this.finish({ ok: false, error: this.failure(code, node, explanation, sepMessage, where) });
  }

  /** Settles once: stops any inflating stream and closes the zipfile. */
  private finish(result: ReadResult): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.zip.close();
    } catch {
      // Closing is best effort; the result is already decided.
    }
    this.resolve(result);
  }

  /** Runs an event handler so that an unexpected throw becomes PKG-ZIP-CORRUPT, never a crash. */
  private guard(handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.finish({ ok: false, error: corruptArchive(this.archiveName, err) });
    }
  }
}

/** An entry's data range, after checking its local header as yauzl's openReadStream does. */
function locateEntry(bytes: Buffer, entry: Entry, name: string): Outcome<LocatedEntry> {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + LOCAL_HEADER_FIXED_BYTES > bytes.length) return { ok: false, error: corruptEntry(name, new Error('unexpected EOF')) };
  const signature = bytes.readUInt32LE(at);
  if (signature !== LOCAL_HEADER_SIGNATURE) {
    return { ok: false, error: corruptEntry(name, new Error(`invalid local file header signature: 0x${signature.toString(16)}`)) };
  }
  const dataStart = at + LOCAL_HEADER_FIXED_BYTES + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > bytes.length) {
    return { ok: false, error: corruptEntry(name, new Error(`file data overflows file bounds: ${dataStart} + ${entry.compressedSize} > ${bytes.length}`)) };
  }
  const disagreement = localHeaderDisagreement(bytes, at, entry);
  if (disagreement !== undefined) {
    return { ok: false, error: corruptEntry(name, new Error(`the local header disagrees with the central directory: ${disagreement}`)) };
  }
  const method = entry.compressionMethod === STORED ? STORED : DEFLATED; // pass 1 allowed no other
  return {
    ok: true,
    value: { name, offset: dataStart, size: entry.compressedSize, uncompressedSize: entry.uncompressedSize, crc32: entry.crc32 >>> 0, method },
  };
}

/**
 * Inflates one located entry from `archive` (or from a buffer holding just its data, `offset`
 * then 0). Never more than its declared size plus one byte is produced (the declared size was judged
 * against every cap in pass 1); the result is still counted against the caps, so no cap rests on a
 * header field alone, and its CRC-32 is checked. Pure: runs on any thread.
 */
export function inflateEntry(archive: Buffer, located: LocatedEntry, limits: IntakeLimits): Outcome<Buffer> {
  const { name, offset, size: compressedSize } = located;
  const expected = located.uncompressedSize;
  const raw = archive.subarray(offset, offset + compressedSize);
  let data: Buffer;
  if (located.method === STORED) {
    // A copy: an entry must not pin the whole upload (yauzl already refused differing sizes).
    data = Buffer.from(raw);
  } else {
    try {
      data = inflateRawSync(raw, {
        maxOutputLength: expected + 1,
        // One output buffer of the declared size: the entry does not pin a larger zlib chunk.
        chunkSize: Math.max(MIN_CHUNK, expected + 1),
      });
    } catch (err) {
      const tooLarge = err instanceof RangeError && (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
      return { ok: false, error: corruptEntry(name, tooLarge ? tooManyBytes(expected) : err) };
    }
  }
  const size = data.length;
  if (size > expected) return { ok: false, error: corruptEntry(name, tooManyBytes(expected)) };
  if (size > limits.maxEntryBytes) return { ok: false, error: entryTooLarge(name, `more than ${limits.maxEntryBytes} bytes inflated`, limits) };
  if (size > compressedSize * limits.maxCompressionRatio) {
    return { ok: false, error: ratioTooHigh(name, `${size} bytes inflated from ${compressedSize} compressed`, limits) };
  }
  if (size < expected) return { ok: false, error: corruptEntry(name, new Error(`not enough bytes in the stream. expected ${expected}. got only ${size}`)) };
  const crc = crc32(data);
  if (crc !== located.crc32) {
    return {
      ok: false,
      error: fail('PKG-ZIP-CRC', `The zip entry "${name}" fails its CRC-32 check: its data is corrupt.`, SEP_PACKAGE.crc(name), {
        node: name,
        expected: `CRC-32 ${hex32(located.crc32)}`,
        found: `CRC-32 ${hex32(crc)}`,
      }),
    };
  }
  return { ok: true, value: data };
}

function entryTooLarge(name: string, found: string, limits: IntakeLimits): CheckResult {
  const max = limits.maxEntryBytes;
  return fail('PKG-ZIP-ENTRY-SIZE', `The zip entry "${name}" inflates past ${max} bytes, the per-entry limit (maxEntryBytes).`, SEP_PACKAGE.entrySize(name, max), {
    node: name,
    expected: `at most ${max} bytes`,
    found,
  });
}

function totalTooLarge(name: string, found: string, limits: IntakeLimits): CheckResult {
  const max = limits.maxTotalBytes;
  return fail('PKG-ZIP-TOTAL-SIZE', `The zip inflates past ${max} bytes in total (maxTotalBytes), reached at the entry "${name}".`, SEP_PACKAGE.totalSize(max), {
    node: name,
    expected: `at most ${max} bytes in total`,
    found,
  });
}

/** The failure of a zip whose entries, inflated in order, pass the total cap at `name`. */
export function inflatedPastTotal(name: string, limits: IntakeLimits): CheckResult {
  return totalTooLarge(name, `more than ${limits.maxTotalBytes} bytes inflated`, limits);
}

function ratioTooHigh(name: string, found: string, limits: IntakeLimits): CheckResult {
  const max = limits.maxCompressionRatio;
  return fail('PKG-ZIP-RATIO', `The zip entry "${name}" inflates more than ${max} times its compressed size (maxCompressionRatio), as a zip bomb does.`,
    SEP_PACKAGE.ratio(name, max), { node: name, expected: `at most ${max}:1`, found });
}

/**
 * Entries whose byte ranges overlap (Fifield's non-recursive zip bomb shares data between entries).
 * An entry spans from its local header to the end of its data, the data starting after the name and
 * extra field whose lengths only the local header gives: a long local extra field must not hide
 * the next entry's header inside this entry's data.
 */
function findOverlap(bytes: Buffer, planned: readonly Planned[]): { first: string; second: string } | undefined {
  const byOffset = [...planned].sort((a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    const current = byOffset[i]!;
    const at = previous.entry.relativeOffsetOfLocalHeader;
    // An unreadable local header is reported as corrupt when the entry is read; here it spans at least its fixed part.
    const variable = at + LOCAL_HEADER_FIXED_BYTES <= bytes.length ? bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28) : 0;
    const end = at + LOCAL_HEADER_FIXED_BYTES + variable + previous.entry.compressedSize;
    if (current.entry.relativeOffsetOfLocalHeader < end) return { first: previous.name, second: current.name };
  }
  return undefined;
}

const DATA_DESCRIPTOR_FLAG = 0x0008;
const ZIP64_MARKER = 0xffffffff;

/**
 * Why the local header at `at` disagrees with the entry's central-directory record, or undefined.
 * We read by the central directory, but streaming unzippers (and SEP's own readers may be among
 * them) read by the local headers: when the two disagree on the name, method, CRC or sizes, the
 * file we check is not the file another reader sees, so the archive is refused. Sizes and CRC are
 * compared only when the local header carries them (no data descriptor, no ZIP64 marker).
 */
function localHeaderDisagreement(bytes: Buffer, at: number, entry: Entry): string | undefined {
  const method = bytes.readUInt16LE(at + 8);
  if (method !== entry.compressionMethod) return `compression method ${method} in the local header, ${entry.compressionMethod} in the central directory`;
  const nameLength = bytes.readUInt16LE(at + 26);
  const localName = bytes.subarray(at + LOCAL_HEADER_FIXED_BYTES, at + LOCAL_HEADER_FIXED_BYTES + nameLength);
  if (!localName.equals(entry.fileNameRaw)) {
    return `the local header names the file "${localName.toString('utf8')}", the central directory "${entry.fileNameRaw.toString('utf8')}"`;
  }
  if ((bytes.readUInt16LE(at + 6) & DATA_DESCRIPTOR_FLAG) !== 0) return undefined;
  const crc = bytes.readUInt32LE(at + 14);
  if (crc !== entry.crc32 >>> 0) return `CRC-32 ${hex32(crc)} in the local header, ${hex32(entry.crc32)} in the central directory`;
  const compressed = bytes.readUInt32LE(at + 18);
  if (compressed !== ZIP64_MARKER && compressed !== entry.compressedSize) {
    return `${compressed} compressed bytes in the local header, ${entry.compressedSize} in the central directory`;
  }
  const uncompressed = bytes.readUInt32LE(at + 22);
  if (uncompressed !== ZIP64_MARKER && uncompressed !== entry.uncompressedSize) {
    return `${uncompressed} uncompressed bytes in the local header, ${entry.uncompressedSize} in the central directory`;
  }
  return undefined;
}

function corruptArchive(archiveName: string, err: unknown, entryNumber?: number): CheckResult {
  const message = messageOf(err);
  const where = entryNumber === undefined ? '' : ` (while reading central-directory record #${entryNumber})`;
  return fail('PKG-ZIP-CORRUPT', `The zip cannot be read${where}: ${message}.`, SEP_PACKAGE.corrupt(), {
    node: archiveName,
    expected: 'a readable zip archive',
    found: message,
  });
}

function corruptEntry(name: string, err: unknown): CheckResult {
  const message = messageOf(err);
  return fail('PKG-ZIP-CORRUPT', `The zip entry "${name}" cannot be read (corrupt data or sizes that lie): ${message}.`, SEP_PACKAGE.corruptEntry(name), {
    node: name,
    expected: 'entry data that inflates to its declared size',
    found: message,
  });
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === null || err === undefined ? 'unknown error' : String(err);
}

/** yauzl's own wording for an entry that inflates past its declared size. */
function tooManyBytes(expected: number): Error {
  return new Error(`too many bytes in the stream. expected ${expected}. got at least ${expected + 1}`);
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
