/**
 * Character classes of XML 1.0 (fifth edition) and the bounded reference decoder: only the five
 * predefined entities and numeric character references exist here; there is no way to declare more.
 */

const START = 1;
const NAME = 2;

/** ASCII lookup: bit START for NameStartChar, bit NAME for NameChar. */
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x3a;
  const other = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
  ASCII[c] = (letter ? START | NAME : 0) | (other ? NAME : 0);
}

/** NameStartChar for a code point (supplementary planes included). */
export function isNameStartCode(cp: number): boolean {
  if (cp < 0x80) return (ASCII[cp]! & START) !== 0;
  return (
    (cp >= 0xc0 && cp <= 0xd6) ||
    (cp >= 0xd8 && cp <= 0xf6) ||
    (cp >= 0xf8 && cp <= 0x2ff) ||
    (cp >= 0x370 && cp <= 0x37d) ||
    (cp >= 0x37f && cp <= 0x1fff) ||
    (cp >= 0x200c && cp <= 0x200d) ||
    (cp >= 0x2070 && cp <= 0x218f) ||
    (cp >= 0x2c00 && cp <= 0x2fef) ||
    (cp >= 0x3001 && cp <= 0xd7ff) ||
    (cp >= 0xf900 && cp <= 0xfdcf) ||
    (cp >= 0xfdf0 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0xeffff)
  );
}

/** NameChar for a code point. */
export function isNameCode(cp: number): boolean {
  if (cp < 0x80) return (ASCII[cp]! & NAME) !== 0;
  return (
    isNameStartCode(cp) ||
    cp === 0xb7 ||
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x203f && cp <= 0x2040)
  );
}

/** The Char production: what a numeric character reference may name. */
export function isXmlCharCode(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * Characters that may not appear literally in an XML document. Lone surrogates cannot survive a
 * fatal UTF-8 decode, so only C0 controls and the two noncharacters remain to be found.
 */
export const FORBIDDEN_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

export function isXmlWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Called with the index (inside the raw text) and an English explanation; must throw. */
export type ReferenceFailure = (index: number, explanation: string) => never;

const MAX_CODE_POINT = 0x10ffff;

/**
 * Decodes `&lt; &gt; &amp; &apos; &quot;` and `&#…;` / `&#x…;` in `raw`. Everything else is kept as
 * written. Any other `&` (custom entity, bare ampersand, bad or illegal reference) is a failure.
 */
export function decodeReferences(raw: string, failAt: ReferenceFailure): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    out += raw.slice(last, amp);
    const semi = raw.indexOf(';', amp + 1);
    if (semi === -1) failAt(amp, "an '&' is not the start of a reference ending in ';' (write it as &amp;)");
    out += decodeOne(raw, amp, semi, failAt);
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

function decodeOne(raw: string, amp: number, semi: number, failAt: ReferenceFailure): string {
  const length = semi - amp - 1;
  if (raw.charCodeAt(amp + 1) === 0x23 /* # */) return decodeNumeric(raw, amp, semi, failAt);
  if (length === 2 || length === 3 || length === 4) {
    switch (raw.slice(amp + 1, semi)) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'apos': return "'";
      case 'quot': return '"';
    }
  }
  if (length > 0 && length <= 64 && isNameReference(raw, amp + 1, semi)) {
    failAt(amp, `the entity reference &${raw.slice(amp + 1, semi)}; is not one of the five predefined entities (custom entities are not allowed)`);
  }
  return failAt(amp, "an '&' is not the start of a reference ending in ';' (write it as &amp;)");
}

function isNameReference(raw: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x80) continue; // rare; the message only needs to be plausible
    if (!(i === from ? isNameStartCode(c) : isNameCode(c))) return false;
  }
  return true;
}

function decodeNumeric(raw: string, amp: number, semi: number, failAt: ReferenceFailure): string {
  const hex = raw.charCodeAt(amp + 2) === 0x78; /* x */
  const first = amp + (hex ? 3 : 2);
  const shown = raw.slice(amp, Math.min(semi + 1, amp + 24));
  if (first >= semi) failAt(amp, `the character reference ${shown} has no digits`);
  let value = 0;
  for (let i = first; i < semi; i++) {
    const d = digitValue(raw.charCodeAt(i), hex);
    if (d < 0) failAt(amp, `the character reference ${shown} is not a ${hex ? 'hexadecimal' : 'decimal'} number`);
    value = value * (hex ? 16 : 10) + d;
    if (value > MAX_CODE_POINT) failAt(amp, `the character reference ${shown} is beyond U+10FFFF`);
  }
  if (!isXmlCharCode(value)) {
    failAt(amp, `the character reference ${shown} names U+${value.toString(16).toUpperCase().padStart(4, '0')}, which is not a legal XML character`);
  }
  return String.fromCodePoint(value);
}

function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (!hex) return -1;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
