/**
 * Shared setup for the títulos tests (not a test file itself): the service date, minted signers and
 * assertions about which codes failed.
 */
import type { Test } from 'tap';
import { errorsOf, type CheckResult } from '../../../src/domain/checks.js';
import { checkTitulo, type TituloContext, type TituloOutcome } from '../../../src/domain/titulos/check-titulo.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { mintEfirma, type MintedCredential, type MintOptions } from '../../support/pki.js';
import { buildTitulo, tituloContext, type BuildOptions, type BuiltTitulo, type ContextOptions } from '../../support/titulo-fixture.js';

/** The service date every test runs at; the default título is issued the day before. */
export const TODAY = '2025-06-16';

export function mintSigner(opts: MintOptions = {}): MintedCredential {
  return mintEfirma(opts);
}

export function build(signers: readonly MintedCredential[], opts: Omit<BuildOptions, 'today' | 'signers'> = {}): BuiltTitulo {
  return buildTitulo({ today: TODAY, signers, ...opts });
}

export function context(signers: readonly MintedCredential[], opts: Omit<ContextOptions, 'today' | 'signers'> = {}): TituloContext {
  return tituloContext({ today: TODAY, signers, ...opts });
}

export function run(root: XmlElement, ctx: TituloContext): TituloOutcome {
  return checkTitulo(root, ctx);
}

export function errorCodes(checks: readonly CheckResult[]): string[] {
  return [...new Set(errorsOf(checks).map((c) => c.code))].sort();
}

/** Asserts that exactly `code` failed (possibly on several nodes) and SEP's message is `sepMessage`. */
export function assertOnly(t: Test, outcome: TituloOutcome, code: string, sepMessage: string): CheckResult {
  t.same(errorCodes(outcome.checks), [code], `only ${code} fails`);
  const first = errorsOf(outcome.checks)[0];
  t.equal(first?.sepMessage, sepMessage, 'SEP message');
  return first as CheckResult;
}
