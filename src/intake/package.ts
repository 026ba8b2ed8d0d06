/**
 * The uploaded file as a whole (`archivoBase64`, decoded): one XML document or a zip of them.
 * Sniffs the bytes, never trusts `nombreArchivo`'s extension.
 */
import { fail } from '../domain/checks.js';
import type { CheckResult } from '../domain/checks.js';
import type { IntakeLimits } from './limits.js';
import { indexZip, inflatedPastTotal, inflateEntry, readZip, verifyZip, type FileLocation, type LocatedEntry } from './zip.js';
import { SEP_PACKAGE } from './messages.js';

export type { FileLocation, LocatedEntry } from './zip.js';

export interface PackageEntry {
  readonly name: string;
  readonly bytes: Buffer;
  /** Where the file lies in the upload, so the stored upload alone can give it back. */
  readonly location?: FileLocation;
}

export type UnpackResult =
  | { readonly ok: true; readonly kind: 'zip' | 'xml'; readonly entries: PackageEntry[] }
  | { readonly ok: false; readonly error: CheckResult };

/** Never rejects. Zip entries come back in central-directory order; a lone XML is named `nombreArchivo`. */
export async function unpackUpload(nombreArchivo: string, bytes: Buffer, limits: IntakeLimits): Promise<UnpackResult> {
  const problem = uploadProblem(nombreArchivo, bytes, limits);
  if (problem !== undefined) return failure(problem);
  if (isZip(bytes)) {
    const zip = await readZip(nombreArchivo, bytes, limits);
    return zip.ok ? { ok: true, kind: 'zip', entries: zip.entries } : zip;
  }
  return { ok: true, kind: 'xml', entries: [loneXml(nombreArchivo, bytes)] };
}

/**
 * Why unpackUpload would refuse the upload, found without holding its files (each zip entry is
 * inflated and checked, then let go); null when it would not.
 */
export async function uploadFailure(nombreArchivo: string, bytes: Buffer, limits: IntakeLimits): Promise<CheckResult | null> {
  const problem = uploadProblem(nombreArchivo, bytes, limits);
  if (problem !== undefined) return problem;
  return isZip(bytes) ? verifyZip(nombreArchivo, bytes, limits) : null;
}

/**
 * The upload's files without inflating them: a lone XML as it is, zip entries located (see
 * indexZip), to be inflated later on any thread with inflateEntry. Null when the upload fails a
 * check on the way; unpackUpload then names the failure. Never rejects.
 */
export async function indexUpload(nombreArchivo: string, bytes: Buffer, limits: IntakeLimits): Promise<Array<PackageEntry | LocatedEntry> | null> {
  if (uploadProblem(nombreArchivo, bytes, limits) !== undefined) return null;
  if (isZip(bytes)) return indexZip(bytes, limits);
  return [loneXml(nombreArchivo, bytes)];
}

/**
 * The first file indexUpload located that does not inflate with the checks of unpackUpload's second
 * pass (sizes and caps, the CRC), each inflated and let go, the event loop given a turn every few
 * milliseconds; null when they all do. Every header having been sound, this is the failure
 * unpackUpload reports.
 */
export async function verifyIndexed(bytes: Buffer, files: ReadonlyArray<PackageEntry | LocatedEntry>, limits: IntakeLimits): Promise<CheckResult | null> {
  let total = 0;
  let slice = performance.now();
  for (const file of files) {
    if ('bytes' in file) continue;
    const inflated = inflateEntry(bytes, file, limits);
    if (!inflated.ok) return inflated.error;
    total += inflated.value.length;
    if (total > limits.maxTotalBytes) return inflatedPastTotal(file.name, limits);
    if (performance.now() - slice >= SLICE_MS) {
      await new Promise(setImmediate);
      slice = performance.now();
    }
  }
  return null;
}

export interface UploadInspection {
  readonly files: ReadonlyArray<PackageEntry | LocatedEntry> | null;
  readonly failure: CheckResult | null;
}

/**
 * What a request can learn of an upload while the upload is being stored: its files located, and
 * the failure of the first that does not inflate as its zip declares. With `files` null (a header
 * not sound; uploadFailure names it) or a failure, the upload fails as a whole and no file need be
 * parsed or checked.
 */
export async function inspectUpload(nombreArchivo: string, bytes: Buffer, limits: IntakeLimits): Promise<UploadInspection> {
  const files = await indexUpload(nombreArchivo, bytes, limits);
  return { files, failure: files === null ? null : await verifyIndexed(bytes, files, limits) };
}

/** How long inflating holds the event loop before it gives other work a turn. */
const SLICE_MS = 10;

function loneXml(nombreArchivo: string, bytes: Buffer): PackageEntry {
  return { name: nombreArchivo, bytes, location: { offset: 0, size: bytes.length, method: 0 } };
}

/** Why the upload as a whole is refused before any file is read, if it is. */
function uploadProblem(nombreArchivo: string, bytes: Buffer, limits: IntakeLimits): CheckResult | undefined {
  if (bytes.length === 0) {
    return fail('PKG-EMPTY', 'The uploaded file is empty.', SEP_PACKAGE.empty(), {
      node: nombreArchivo,
      expected: 'an XML document or a zip of XML documents',
      found: '0 bytes',
    });
  }
  if (bytes.length > limits.maxUploadBytes) {
    return fail('PKG-TOO-LARGE', `The uploaded file is ${bytes.length} bytes; the limit (maxUploadBytes) is ${limits.maxUploadBytes}.`,
      SEP_PACKAGE.tooLarge(limits.maxUploadBytes), {
        node: nombreArchivo,
        expected: `at most ${limits.maxUploadBytes} bytes`,
        found: `${bytes.length} bytes`,
      });
  }
  if (isZip(bytes) || isXml(bytes)) return undefined;
  return fail('PKG-FORMAT', `The uploaded file is neither a zip nor an XML document${utf16Hint(bytes)}.`, SEP_PACKAGE.format(), {
    node: nombreArchivo,
    expected: "a zip (starting with 'PK') or an XML document (starting with '<')",
    found: `first bytes ${bytes.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 ')}`,
  });
}

function failure(error: CheckResult): UnpackResult {
  return { ok: false, error };
}

/** A local file header (`PK\3\4`) or, for an empty archive, the end-of-central-directory record. */
function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06));
}

/** After an optional UTF-8 BOM and XML whitespace, the first byte is '<'. */
function isXml(bytes: Buffer): boolean {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b === 0x3c;
    i++;
  }
  return false;
}

function utf16Hint(bytes: Buffer): string {
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return bom ? ' (it looks like UTF-16 text: save the XML as UTF-8)' : '';
}
