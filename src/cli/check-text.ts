import type { CheckResult } from '../domain/checks.js';
import { CliError, EXIT } from './cli-error.js';

/** One check as the CLI prints it: status, code and where, then expected / found / SEP / cadena lines. */
export function describe(check: CheckResult): string {
  const where = [check.node, check.attribute].filter(Boolean).join('/@');
  const lines = [`${check.status.toUpperCase()} ${check.code}${where ? ` at ${where}` : ''}: ${check.explanation}`];
  if (check.expected !== undefined) lines.push(`    expected: ${JSON.stringify(check.expected)}`);
  if (check.found !== undefined) lines.push(`    found:    ${JSON.stringify(check.found)}`);
  if (check.sepMessage) lines.push(`    SEP:      ${check.sepMessage}`);
  if (typeof check.detail?.['cadena'] === 'string') lines.push(`    cadena:   ${check.detail['cadena']}`);
  return lines.join('\n');
}

/** The document cannot be used as it is (exit 1): every error that says why. */
export function documentProblems(file: string, errors: readonly CheckResult[]): CliError {
  return new CliError(`${file}: ${errors.map(describe).join('\n  ')}`, EXIT.PROBLEMS);
}
