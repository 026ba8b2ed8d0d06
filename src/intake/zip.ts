/**
 * Reads an untrusted zip held in memory into its XML entries, or the one PKG-* check that failed.
 *
 * Two passes over yauzl's lazy entry stream: first the whole central directory is judged (count, names,
 * duplicates, encryption, method, declared sizes and ratios, overlapping data) without inflating a
 * byte; then each entry is inflated in central-directory order while its bytes are counted, so a
 * lying header can never make us hold more than the caps. Nothing is written to disk.
 */
import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';
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

const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  // Names are decoded by us (with strictFileNames semantics) so that a traversal name such as
  // `../evil.xml` is reported as PKG-ZIP-NAME for that entry instead of a whole-archive error.
  decodeStrings: false,
  strictFileNames: true,
  validateEntrySizes: true,
};

const STORED = 0;
const DEFLATED = 8;
const LOCAL_HEADER_FIXED_BYTES = 30;
/**
 * Entries inflating ahead of the one being taken. Each is capped at maxEntryBytes while it streams,
 * so memory can exceed maxTotalBytes by at most this many entries.
 */
const INFLATE_AHEAD = 16;

type JobOutcome = { readonly ok: true; readonly entry: PackageEntry } | { readonly ok: false; readonly error: CheckResult };

interface InflateJob {
  outcome: JobOutcome | undefined;
  onDone: (() => void) | undefined;
}

/** Never rejects: every failure, including yauzl's own errors, resolves as a CheckResult. */
export function readZip(archiveName: string, bytes: Buffer, limits: IntakeLimits): Promise<ZipResult> {
  return new Promise((resolve) => {
    const corrupt = (err: unknown): void =>
      resolve({ ok: false, error: corruptArchive(archiveName, err) });
    try {
      yauzl.fromBuffer(bytes, OPTIONS, (err, zipfile) => {
        if (err !== null || zipfile === undefined) return corrupt(err);
        new ZipReader(archiveName, zipfile, limits, resolve).start();
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
  /** Streams still inflating, destroyed when the result is decided early. */
  private readonly streams = new Set<Readable>();

  constructor(
    private readonly archiveName: string,
    private readonly zip: ZipFile,
    private readonly limits: IntakeLimits,
    private readonly resolve: (result: ZipResult) => void,
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
    const overlap = findOverlap(this.planned);
    if (overlap !== undefined) {
      return this.fail('PKG-ZIP-CORRUPT', overlap.second,
        `The data of the zip entries "${overlap.first}" and "${overlap.second}" overlap, a known zip-bomb construction; the zip is refused.`,
        SEP_PACKAGE.corruptEntry(overlap.second), { expected: 'entries with disjoint data', found: `"${overlap.second}" starts inside "${overlap.first}"` });
    }
    this.inflateAll();
  }

  /**
   * Pass 2. Up to INFLATE_AHEAD entries inflate at once (zlib works off the main thread, so one at a
   * time leaves it idle), but results are taken strictly in central-directory order: the failure
   * reported is always the first one in that order, whatever finished first.
   */
  private inflateAll(): void {
    const jobs: InflateJob[] = [];
    let launched = 0;
    const launch = (): void => {
      while (launched < this.planned.length && launched - this.entries.length < INFLATE_AHEAD) {
        jobs.push(this.inflateOne(this.planned[launched]!));
        launched++;
      }
    };
    const consume = (): void => {
      for (;;) {
        if (this.settled) return;
        const job = jobs[this.entries.length];
        if (job === undefined) return this.finish({ ok: true, entries: this.entries });
        if (job.outcome === undefined) {
          job.onDone = () => this.guard(consume);
          return;
        }
        if (!job.outcome.ok) return this.finishWith(job.outcome.error);
        const { entry } = job.outcome;
        this.inflatedTotal += entry.bytes.length;
        if (this.inflatedTotal > this.limits.maxTotalBytes) {
          return this.finishWith(this.totalTooLarge(entry.name, `more than ${this.limits.maxTotalBytes} bytes inflated`));
        }
        this.entries.push(entry);
        launch();
      }
    };
    launch();
    consume();
  }

  /** Inflates one entry, counting bytes as they arrive and stopping at the first cap exceeded. */
  private inflateOne({ entry, name }: Planned): InflateJob {
    const job: InflateJob = { outcome: undefined, onDone: undefined };
    const limits = this.limits;
    const ratioCap = entry.compressedSize * limits.maxCompressionRatio;
    const chunks: Buffer[] = [];
    let size = 0;
    let crc = 0;
    let stream: Readable | undefined;
    const settle = (outcome: JobOutcome): void => {
      if (job.outcome !== undefined) return;
      job.outcome = outcome;
      if (stream !== undefined) {
        this.streams.delete(stream);
        if (!outcome.ok) stream.destroy();
      }
      job.onDone?.();
    };
    const failWith = (error: CheckResult): void => settle({ ok: false, error });
    this.zip.openReadStream(entry, (err, opened) => this.guard(() => {
      if (err !== null || opened === undefined) return failWith(corruptEntry(name, err));
      stream = opened;
      stream.on('error', (e: unknown) => failWith(corruptEntry(name, e)));
      if (this.settled || job.outcome !== undefined) {
        stream.destroy();
        return;
      }
      this.streams.add(stream);
      // yauzl (validateEntrySizes) already errors at the first byte beyond the declared size; these
      // counts are our own second line, so no cap ever rests on a header field alone.
      stream.on('data', (chunk: Buffer) => this.guard(() => {
        if (job.outcome !== undefined) return;
        size += chunk.length;
        if (size > limits.maxEntryBytes) return failWith(this.entryTooLarge(name, `more than ${limits.maxEntryBytes} bytes inflated`));
        if (size > ratioCap) return failWith(this.ratioTooHigh(name, `${size} bytes inflated from ${entry.compressedSize} compressed`));
        crc = crc32(chunk, crc);
        chunks.push(chunk);
      }));
      stream.on('end', () => this.guard(() => {
        if (job.outcome !== undefined) return;
        if (crc !== entry.crc32) {
          return failWith(fail('PKG-ZIP-CRC', `The zip entry "${name}" fails its CRC-32 check: its data is corrupt.`, SEP_PACKAGE.crc(name), {
            node: name,
            expected: `CRC-32 ${hex32(entry.crc32)}`,
            found: `CRC-32 ${hex32(crc)}`,
          }));
        }
        // Always copy: a single chunk is a view into zlib's 16 KiB output buffer, which would stay
        // allocated for as long as the entry lives (313 MB retained for 20,000 small entries).
        settle({ ok: true, entry: { name, bytes: Buffer.concat(chunks, size) } });
      }));
    }));
    return job;
  }

  private entryTooLarge(name: string, found: string): CheckResult {
    const max = this.limits.maxEntryBytes;
    return this.failure('PKG-ZIP-ENTRY-SIZE', name, `The zip entry "${name}" inflates past ${max} bytes, the per-entry limit (maxEntryBytes).`,
      SEP_PACKAGE.entrySize(name, max), { expected: `at most ${max} bytes`, found });
  }

  private ratioTooHigh(name: string, found: string): CheckResult {
    const max = this.limits.maxCompressionRatio;
    return this.failure('PKG-ZIP-RATIO', name,
      `The zip entry "${name}" inflates more than ${max} times its compressed size (maxCompressionRatio), as a zip bomb does.`,
      SEP_PACKAGE.ratio(name, max), { expected: `at most ${max}:1`, found });
  }

  private totalTooLarge(name: string, found: string): CheckResult {
    const max = this.limits.maxTotalBytes;
    return this.failure('PKG-ZIP-TOTAL-SIZE', name,
      `The zip inflates past ${max} bytes in total (maxTotalBytes), reached at the entry "${name}".`,
      SEP_PACKAGE.totalSize(max), { expected: `at most ${max} bytes in total`, found });
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
  private finish(result: ZipResult): void {
    if (this.settled) return;
    this.settled = true;
    try {
      for (const stream of this.streams) stream.destroy();
      this.streams.clear();
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

/** Entries whose byte ranges overlap (Fifield's non-recursive zip bomb shares data between entries). */
function findOverlap(planned: readonly Planned[]): { first: string; second: string } | undefined {
  const byOffset = [...planned].sort((a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    const current = byOffset[i]!;
    // A lower bound of the previous entry's extent: fixed header plus data, name and extra ignored.
    const end = previous.entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_FIXED_BYTES + previous.entry.compressedSize;
    if (current.entry.relativeOffsetOfLocalHeader < end) return { first: previous.name, second: current.name };
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

function hex32(value: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
