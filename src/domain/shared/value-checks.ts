import { fail, ok, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';

export interface CheckedField {
  readonly node: string;
  readonly attribute: string;
  readonly value: string | undefined;
}

type InvalidValueMessage = (attribute: string, node: string, value: string) => string;

/**
 * One format rule over many attribute values: an error per written value that fails the test (SEP's
 * message from the document kind's own template), or one ok result saying how many were checked.
 * Absent and empty values are skipped: requiredness is the structure checks' job.
 */
export function valueChecker(invalidValue: InvalidValueMessage) {
  return (code: CheckCode, what: string, expected: string, fields: readonly CheckedField[], test: (v: string) => boolean, out: CheckResult[]): void => {
    let errors = 0;
    let checked = 0;
    for (const { node, attribute, value } of fields) {
      if (value === undefined || value === '') continue;
      checked++;
      if (test(value)) continue;
      errors++;
      out.push(fail(code, `${node}/@${attribute} is not ${what}`, invalidValue(attribute, node, value), { node, attribute, expected, found: value }));
    }
    if (errors === 0) out.push(ok(code, `${checked} value(s) checked: each is ${what}`));
  };
}
