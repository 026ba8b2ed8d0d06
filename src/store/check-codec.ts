import { CHECK_CODES, isCheckCode } from '../domain/check-codes.js';
import type { CheckResult } from '../domain/checks.js';
import type { StoredCheck } from './schema.js';

/**
 * How a document's checks are stored (documento.checks, JSON). Storing a lote is dominated by this
 * JSON, and most checks pass, so a passing check that carries nothing but where it looked is stored
 * as one string `CODE|node|attribute`; every other check is stored whole. Passing checks get their
 * explanation back from the code catalog when read.
 */
export function encodeChecks(checks: readonly CheckResult[]): string {
  return JSON.stringify(checks.map(encodeCheck));
}

function encodeCheck(check: CheckResult): string | StoredCheck {
  if (check.status !== 'ok') return check;
  const { explanation: _explanation, code, status: _status, node, attribute, ...rest } = check;
  if (Object.keys(rest).length > 0) return { code, status: 'ok', ...(node === undefined ? {} : { node }), ...(attribute === undefined ? {} : { attribute }), ...rest };
  return [code, node ?? '', attribute ?? ''].join('|').replace(/\|+$/, '');
}

export function decodeChecks(stored: ReadonlyArray<string | StoredCheck>): StoredCheck[] {
  return stored.map((entry) => {
    const check: StoredCheck = typeof entry === 'string' ? fromCompact(entry) : entry;
    return check.explanation || !isCheckCode(check.code) ? check : { ...check, explanation: CHECK_CODES[check.code].title };
  });
}

function fromCompact(entry: string): StoredCheck {
  const [code = '', node, attribute] = entry.split('|');
  return { code, status: 'ok', ...(node ? { node } : {}), ...(attribute ? { attribute } : {}) };
}
