/**
 * Shared setup for the DEC tests (not a test file itself): the authentication date, a minted
 * signer, the default plan and DEC, and assertions about which codes failed.
 */
import type { Test } from 'tap';
import { errorsOf, type CheckResult } from '../../../src/domain/checks.js';
import { checkDec, type DecContext, type DecOutcome } from '../../../src/domain/certificados/check-dec.js';
import type { RegisteredPlan } from '../../../src/domain/planes/plan.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { mintEfirma, type MintedCredential, type MintOptions } from '../../support/pki.js';
import { decContext, decForPlan, defaultPlan, type BuiltDec, type DecContextOptions, type DecOptionsForPlan } from '../../support/dec-fixture.js';

/** The authentication date every test runs at; the default DEC is issued two days before. */
export const TODAY = '2025-06-16';

export function mintSigner(opts: MintOptions = {}): MintedCredential {
  return mintEfirma(opts);
}

export function build(credential: MintedCredential, opts: Omit<DecOptionsForPlan, 'today' | 'credential'> & { plan?: RegisteredPlan } = {}): BuiltDec {
  const { plan, ...rest } = opts;
  return decForPlan(plan ?? defaultPlan(), { today: TODAY, credential, ...rest });
}

export function context(credential: MintedCredential | undefined, opts: Omit<DecContextOptions, 'today' | 'credential'> = {}): DecContext {
  return decContext({ today: TODAY, ...(credential ? { credential } : {}), ...opts });
}

export function run(root: XmlElement, ctx: DecContext): DecOutcome {
  return checkDec(root, ctx);
}

export function errorCodes(checks: readonly CheckResult[]): string[] {
  return [...new Set(errorsOf(checks).map((c) => c.code))].sort();
}

/** Asserts that exactly `code` failed (possibly on several nodes) and the first message is `sepMessage`. */
export function assertOnly(t: Test, outcome: DecOutcome, code: string, sepMessage: string): CheckResult {
  t.same(errorCodes(outcome.checks), [code], `only ${code} fails`);
  const first = errorsOf(outcome.checks)[0];
  t.equal(first?.sepMessage, sepMessage, 'SEP message');
  return first as CheckResult;
}
