/**
 * The uploaded file as a whole (`archivoBase64`, decoded): one XML document or a zip of them.
 * Sniffs the bytes, never trusts `nombreArchivo`'s extension.
 */
import { fail } from '../domain/checks.js';
import type { CheckResult } from '../domain/checks.js';
import type { IntakeLimits } from './limits.js';
import { readZip } from './zip.js';
import { SEP_PACKAGE } from './messages.js';

export interface PackageEntry {
  readonly name: string;
  readonly bytes: Buffer;
}

export type UnpackResult =
  | { readonly ok: true; readonly kind: 'zip' | 'xml'; readonly entries: PackageEntry[] }
  | { readonly ok: false; readonly error: CheckResult };

/** Never rejects. Zip entries come back in central-directory order; a lone XML is named `nombreArchivo`. */
export async function unpackUpload(nombreArchivo: string, bytes: Buffer, limits: IntakeLimits): Promise<UnpackResult> {
  if (bytes.length === 0) {
    return failure(fail('PKG-EMPTY', 'The uploaded file is empty.', SEP_PACKAGE.empty(), {
      node: nombreArchivo,
      expected: 'an XML document or a zip of XML documents',
      found: '0 bytes',
    }));
  }
  if (bytes.length > limits.maxUploadBytes) {
    return failure(fail('PKG-TOO-LARGE', `The uploaded file is ${bytes.length} bytes; the limit (maxUploadBytes) is ${limits.maxUploadBytes}.`,
      SEP_PACKAGE.tooLarge(limits.maxUploadBytes), {
        node: nombreArchivo,
        expected: `at most ${limits.maxUploadBytes} bytes`,
        found: `${bytes.length} bytes`,
      }));
  }
  if (isZip(bytes)) {
    const zip = await readZip(nombreArchivo, bytes, limits);
    return zip.ok ? { ok: true, kind: 'zip', entries: zip.entries } : zip;
  }
  if (isXml(bytes)) return { ok: true, kind: 'xml', entries: [{ name: nombreArchivo, bytes }] };
  return failure(fail('PKG-FORMAT', `The uploaded file is neither a zip nor an XML document${utf16Hint(bytes)}.`, SEP_PACKAGE.format(), {
    node: nombreArchivo,
    expected: "a zip (starting with 'PK') or an XML document (starting with '<')",
    found: `first bytes ${bytes.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 ')}`,
  }));
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
