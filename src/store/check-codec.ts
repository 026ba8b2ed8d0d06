import { CHECK_CODES, isCheckCode } from '../domain/check-codes.js';
import type { CheckResult } from '../domain/checks.js';
import { CHECK_DICTIONARY } from './check-dictionary.js';
import type { StoredCheck } from './schema.js';

/**
 * How a document's checks are stored (documento.checks, JSON). Storing a lote is dominated by this
 * JSON, and most checks pass, so a passing check that carries nothing but where it looked is stored
 * as one string `CODE|node|attribute`; every other check is stored whole. Passing checks get their
 * explanation back from the code catalog when read. An entry found in CHECK_DICTIONARY (the ones
 * that recur word for word) is stored as its position there.
 */
export function encodeChecks(checks: readonly CheckResult[]): string {
  let json = '[';
  for (let i = 0; i < checks.length; i++) {
    const entry = encodeCheck(checks[i]!);
    // A compact string is looked up as it is; an object by its JSON text, which it is stored as otherwise.
    const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
    const position = DICTIONARY_POSITIONS.get(text);
    json += `${i === 0 ? '' : ','}${position ?? (typeof entry === 'string' ? JSON.stringify(entry) : text)}`;
  }
  return `${json}]`;
}

/** Dictionary positions by compact string, and by JSON text for objects (no compact string starts with '{'). */
const DICTIONARY_POSITIONS = new Map(CHECK_DICTIONARY.map((entry, position) => [typeof entry === 'string' ? entry : JSON.stringify(entry), position]));

/** The keys a passing check may have and still be stored as a compact string. */
const COMPACT_KEYS = new Set(['code', 'status', 'explanation', 'node', 'attribute']);

function encodeCheck(check: CheckResult): string | StoredCheck {
  if (check.status !== 'ok') return check;
  for (const key in check) {
    if (!COMPACT_KEYS.has(key)) {
      const { explanation: _explanation, code, status: _status, node, attribute, ...rest } = check;
      return { code, status: 'ok', ...(node === undefined ? {} : { node }), ...(attribute === undefined ? {} : { attribute }), ...rest };
    }
  }
  const { code, node = '', attribute = '' } = check;
  const compact = attribute !== '' ? `${code}|${node}|${attribute}` : node !== '' ? `${code}|${node}` : code;
  return compact.endsWith('|') ? compact.replace(/\|+$/, '') : compact;
}

export function decodeChecks(stored: ReadonlyArray<number | string | StoredCheck>): StoredCheck[] {
  return stored.map((stored) => {
    const entry = typeof stored === 'number' ? dictionaryEntry(stored) : stored;
    const check: StoredCheck = typeof entry === 'string' ? fromCompact(entry) : entry;
    return check.explanation || !isCheckCode(check.code) ? check : { ...check, explanation: CHECK_CODES[check.code].title };
  });
}

function dictionaryEntry(position: number): string | StoredCheck {
  const entry = CHECK_DICTIONARY[position];
  if (entry === undefined) throw new Error(`a stored check refers to position ${position} of CHECK_DICTIONARY, which has ${CHECK_DICTIONARY.length} entries`);
  return entry;
}

function fromCompact(entry: string): StoredCheck {
  const [code = '', node, attribute] = entry.split('|');
  return { code, status: 'ok', ...(node ? { node } : {}), ...(attribute ? { attribute } : {}) };
}
