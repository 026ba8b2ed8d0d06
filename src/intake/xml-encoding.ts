/**
 * Bytes to text: UTF-8 only, decoded strictly (a malformed sequence is an error, never U+FFFD).
 * One leading UTF-8 BOM is tolerated and dropped by the decoder itself.
 */
import { fail } from '../domain/checks.js';
import { XmlFailure } from './xml-failure.js';
import { SEP_XML } from './messages.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new XmlFailure(
      fail('XML-ENCODING', `The document is not valid UTF-8 (${describeInvalid(bytes)}).`, SEP_XML.notUtf8(), {
        expected: 'UTF-8',
        found: describeInvalid(bytes),
      }),
    );
  }
}

function describeInvalid(bytes: Uint8Array): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return 'a UTF-16 byte-order mark';
  }
  const at = firstInvalidUtf8(bytes);
  return `byte 0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')} at offset ${at}`;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
