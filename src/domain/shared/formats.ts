/**
 * Lexical value formats shared by every document kind: calendar dates and CURPs.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * A real calendar date written AAAA-MM-DD with no zone (títulos §2.1). JAXB's `2020-03-01-06:00` is
 * xs:date-valid but is rejected: it breaks the cadena SEP rebuilds (títulos §5.3 #4).
 */
export function isIsoDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const d = digitAt(s, i);
    if (d < 0) return false;
    year = year * 10 + d;
  }
  const m1 = digitAt(s, 5), m2 = digitAt(s, 6), d1 = digitAt(s, 8), d2 = digitAt(s, 9);
  if (m1 < 0 || m2 < 0 || d1 < 0 || d2 < 0 || year === 0) return false;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const max = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  return day <= max;
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both valid AAAA-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Completed years from `birth` to `on` (both valid AAAA-MM-DD): a person's age on that day. */
export function yearsBetween(birth: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  return on.slice(5) < birth.slice(5) ? years - 1 : years;
}

/**
 * RENAPO's CURP shape: 4 letters, birth date, sex (H, M, or X since 2023), state code (NE for
 * foreign-born), 3 internal consonants, homonym differentiator, check digit.
 */
export const CURP_PATTERN =
  /^[A-Z][AEIOUX][A-Z]{2}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[HMX](?:AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$/;

export function isCurp(s: string): boolean {
  return CURP_PATTERN.test(s);
}
