/**
 * Hostile attribute values: random text, unicode (astral, combining, bidi, NFD twins), control
 * characters, huge and empty values, numbers at the edges of every numeric format SEP uses, pipes
 * (the cadena's separator), dates that are almost right, and small edits of the original value.
 */
import type { Rng } from './rng.js';

const PRINTABLE = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
const UNICODE = [
  'Ñ', 'ñ', 'É', 'é', 'Ü', 'ü', '¿', '¡', '€', '∑', 'ß', 'ﬁ', 'Ǆ', 'İ', 'ı',
  '\u0301', // combining acute
  '\u200b', // zero-width space
  '\u200d', // zero-width joiner
  '\u202e', // right-to-left override
  '\u00a0', // no-break space
  '\u2028', // line separator
  '\u0085', // next line
  '\ufeff', // BOM / zero-width no-break space
  '\ufffd', // replacement character
  '😀', '𝔸', '𐍈', '中', '文', 'ا', 'ש',
];
/** Characters XML 1.0 forbids, or that parsers treat specially. */
const CONTROLS = ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\u007f', '\t', '\n', '\r', '\r\n', '\ufffe', '\uffff'];
const EDGE_NUMBERS = [
  '0', '-0', '00', '01', '+1', '-1', '1.0', '0.5', '10', '10.00', '10.001', '9.999', '0.005', '5.00', '6.00', '4.99',
  '2147483647', '2147483648', '-2147483649', '4294967296', '9007199254740991', '9007199254740993', '9223372036854775807',
  '18446744073709551616', '1e3', '1E309', '-1e-309', 'NaN', 'Infinity', '-Infinity', '0x10', '0b1', '0o7', '1_000', '1,000', '١٢٣',
  '９', '9'.repeat(400), `0.${'0'.repeat(300)}1`, '.5', '5.', ' 5', '5 ', '',
];
const DATES = [
  '2024-02-29', '2023-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '2024-1-1', '0000-01-01', '9999-12-31', '1899-12-31',
  '2024-06-31', '24-06-30', '2024/06/30', '2024-06-30T00:00:00', '2024-06-30T24:00:00', '2024-06-30Z', '+2024-06-30', '２０２４-０６-３０',
];
const INJECTIONS = ["' OR '1'='1", "'; DROP TABLE titulo; --", '\\', '%s%n', '${process}', '{{7*7}}', '__proto__', 'constructor', 'toString', 'null', 'undefined', '<', '>', '&', '"', "'", ']]>', '&amp;', '&#0;', '<!--', '<![CDATA[x]]>'];

function randomFrom(rng: Rng, alphabet: readonly string[] | string, min: number, max: number): string {
  const n = rng.int(min, max);
  let s = '';
  for (let i = 0; i < n; i++) s += typeof alphabet === 'string' ? alphabet[rng.int(0, alphabet.length - 1)] : rng.pick(alphabet);
  return s;
}

/** Shifts an AAAA-MM-DD date (or the date part of an xs:dateTime) by some days, keeping the rest. */
function shiftDate(value: string, days: number): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(.*)$/.exec(value);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(t)) return undefined;
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10) + (m[2] ?? '');
}

/** A small edit of `original`: one character changed, inserted or deleted, a case change, a space. */
function nearMiss(rng: Rng, original: string): string {
  if (original.length === 0) return rng.pick(['0', ' ', 'A']);
  const i = rng.int(0, original.length - 1);
  switch (rng.int(0, 7)) {
    case 0: return original.slice(0, i) + original.slice(i + 1);
    case 1: return original.slice(0, i) + rng.pick([...PRINTABLE]) + original.slice(i);
    case 2: return original.slice(0, i) + rng.pick([...PRINTABLE]) + original.slice(i + 1);
    case 3: return original === original.toLowerCase() ? original.toUpperCase() : original.toLowerCase();
    case 4: return rng.chance(0.5) ? ` ${original}` : `${original} `;
    case 5: return original.normalize('NFD') !== original ? original.normalize('NFD') : `${original}\u0301`;
    case 6: return /^\d+$/.test(original) ? String(BigInt(original) + BigInt(rng.pick([-1, 1]))) : original + original;
    default: return shiftDate(original, rng.int(-400, 400)) ?? original.split('').reverse().join('');
  }
}

export type ValueKind = 'random' | 'unicode' | 'control' | 'huge' | 'empty' | 'number' | 'date' | 'pipe' | 'injection' | 'near-miss';

/** A hostile replacement for `original`, and what kind it is (for the case's description). */
export function hostileValue(rng: Rng, original: string): { kind: ValueKind; value: string } {
  const kind = rng.weighted<ValueKind>([
    [3, 'random'], [3, 'unicode'], [2, 'control'], [1, 'huge'], [2, 'empty'], [3, 'number'], [2, 'date'], [2, 'pipe'], [1, 'injection'], [5, 'near-miss'],
  ]);
  switch (kind) {
    case 'random': return { kind, value: randomFrom(rng, PRINTABLE, 1, 40) };
    case 'unicode': {
      const core = randomFrom(rng, UNICODE, 1, 6);
      const at = rng.int(0, original.length);
      return { kind, value: rng.chance(0.5) ? original.slice(0, at) + core + original.slice(at) : core };
    }
    case 'control': {
      const at = rng.int(0, original.length);
      return { kind, value: original.slice(0, at) + rng.pick(CONTROLS) + original.slice(at) };
    }
    case 'huge': {
      const length = rng.pick([1_025, 4_097, 65_536, 65_537, 70_000, 300_000]);
      if (rng.chance(0.7)) {
        // Random text compresses little, so the package's ratio cap does not hide the value from the checks.
        return { kind, value: randomFrom(rng, rng.chance(0.5) ? PRINTABLE : [...PRINTABLE, ...UNICODE], length, length) };
      }
      const unit = rng.pick(['A', '9', 'Ñ', '😀', '|', ' ', original || 'X']);
      return { kind, value: unit.repeat(Math.ceil(length / Math.max(unit.length, 1))) };
    }
    case 'empty': return { kind, value: rng.pick(['', ' ', '  ', '\t']) };
    case 'number': return { kind, value: rng.pick(EDGE_NUMBERS) };
    case 'date': return { kind, value: rng.chance(0.3) ? (shiftDate(original, rng.int(-1000, 1000)) ?? rng.pick(DATES)) : rng.pick(DATES) };
    case 'pipe': {
      const at = rng.int(0, original.length);
      return { kind, value: rng.pick(['|', '||', `${original}|`, `|${original}`, original.slice(0, at) + '|' + original.slice(at), `${original}||${original}`]) };
    }
    case 'injection': return { kind, value: rng.pick(INJECTIONS) };
    case 'near-miss': return { kind, value: nearMiss(rng, original) };
  }
}

/** A random XML name for an unknown attribute or element. */
export function randomName(rng: Rng): string {
  return rng.pick(['foo', 'Version', 'FOLIOCONTROL', 'xmlns:x', 'xsi:nil', 'xml:lang', '__proto__', 'constructor', 'sello2', 'a'.repeat(300), 'ñandú', '_', 'x-y.z']);
}
