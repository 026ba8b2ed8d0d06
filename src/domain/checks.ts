/**
 * The check-result model shared by every document kind (títulos now, certificados later).
 *
 * Every rule is a small function that returns CheckResults. All of them are stored per document;
 * SEP's single message for its results sheet is derived from the first error (see sepMessageOf).
 */
import type { CheckCode } from './check-codes.js';

export type CheckStatus = 'ok' | 'error' | 'warning' | 'skipped';

export interface CheckResult {
  /** Stable code from the catalog in check-codes.ts. */
  readonly code: CheckCode;
  readonly status: CheckStatus;
  /** Where: element path such as `FirmaResponsable[2]` or `Expedicion`. */
  readonly node?: string;
  readonly attribute?: string;
  readonly expected?: string;
  readonly found?: string;
  /** One-line English explanation for humans (REST detail, CLI, logs). */
  readonly explanation: string;
  /** The text SEP would write in DESCRIPCION for this failure (only on errors). */
  readonly sepMessage?: string;
  /** Extra machine-readable facts: the recomputed cadena, the signer it was checked against, … */
  readonly detail?: Readonly<Record<string, unknown>>;
}

type Where = Omit<CheckResult, 'code' | 'status' | 'explanation'>;

export function ok(code: CheckCode, explanation: string, where: Where = {}): CheckResult {
  return { code, status: 'ok', explanation, ...where };
}

export function fail(code: CheckCode, explanation: string, sepMessage: string, where: Where = {}): CheckResult {
  return { code, status: 'error', explanation, ...where, sepMessage };
}

export function warn(code: CheckCode, explanation: string, where: Where = {}): CheckResult {
  return { code, status: 'warning', explanation, ...where };
}

export function skip(code: CheckCode, explanation: string, where: Where = {}): CheckResult {
  return { code, status: 'skipped', explanation, ...where };
}

export function errorsOf(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status === 'error');
}

export function hasErrors(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'error');
}

/** SEP reports one message per file: the first error in evaluation order (which is SEP's order). */
export function sepMessageOf(results: readonly CheckResult[]): string | undefined {
  const first = results.find((r) => r.status === 'error');
  return first?.sepMessage;
}
