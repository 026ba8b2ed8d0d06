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
  for (const [i, check] of checks.entries()) {
    const entry = encodeCheck(check);
    // A compact string is looked up as it is; an object by its JSON text, which it is stored as otherwise.
    const text = typeof entry === 'string' ? undefined : JSON.stringify(entry);
    json += `${i === 0 ? '' : ','}${DICTIONARY_POSITIONS.get(text ?? (entry as string)) ?? text ?? JSON.stringify(entry)}`;
  }
  return `${json}]`;
}

/** Dictionary positions by compact string, and by JSON text for objects (no compact string starts with '{'). */
const DICTIONARY_POSITIONS = new Map(CHECK_DICTIONARY.map((entry, position) => [typeof entry === 'string' ? entry : JSON.stringify(entry), position]));

function encodeCheck(check: CheckResult): string | StoredCheck {
  if (check.status !== 'ok') return check;
  const { explanation: _explanation, code, status: _status, node, attribute, ...rest } = check;
  if (Object.keys(rest).length > 0) return { code, status: 'ok', ...(node === undefined ? {} : { node }), ...(attribute === undefined ? {} : { attribute }), ...rest };
  return [code, node ?? '', attribute ?? ''].join('|').replace(/\|+$/, '');
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
