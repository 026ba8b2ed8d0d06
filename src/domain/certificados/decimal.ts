/**
 * Exact decimal arithmetic for grades and credits (spec mec-certificados.md §4.2): values are held
 * as integer units at a decimal scale (BigInt), never as floats, so `9.36` is 936 hundredths and a
 * truncated mean is exactly SEP's. Producers lost decimals exactly here (§5 #6).
 */

export interface Decimal {
  /** The value times 10^scale. */
  readonly units: bigint;
  /** Digits after the decimal point. */
  readonly scale: number;
}

const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;

/** A non-negative decimal written with digits and an optional fraction; undefined otherwise. */
export function parseDecimal(written: string): Decimal | undefined {
  const m = DECIMAL.exec(written);
  if (m === null) return undefined;
  const fraction = m[2] ?? '';
  return { units: BigInt((m[1] as string) + fraction), scale: fraction.length };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sameDecimal(a: Decimal, b: Decimal): boolean {
  return compareDecimal(a, b) === 0;
}

export function sumDecimals(values: readonly Decimal[]): Decimal {
  const scale = values.reduce((s, d) => Math.max(s, d.scale), 0);
  let units = 0n;
  for (const d of values) units += rescale(d, scale);
  return { units, scale };
}

/** The value written with its own scale, e.g. `306.25`, `6.0`, `12`. */
export function formatDecimal(d: Decimal): string {
  if (d.scale === 0) return d.units.toString();
  const digits = d.units.toString().padStart(d.scale + 1, '0');
  return `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
}

/** The value of an integer number (e.g. a plan's 6 or 7.5 as registered) as a Decimal. */
export function decimalOfNumber(n: number): Decimal | undefined {
  return Number.isFinite(n) && n >= 0 ? parseDecimal(String(n)) : undefined;
}

/** The mean of the values, truncated (never rounded) to `scale` decimals (§4.2). */
export function truncatedMean(values: readonly Decimal[], scale: number): Decimal | undefined {
  if (values.length === 0) return undefined;
  const sum = sumDecimals(values);
  // sum / n at `scale` decimals: units × 10^scale / (n × 10^sum.scale), floored (all non-negative).
  const numerator = sum.units * 10n ** BigInt(scale);
  const denominator = BigInt(values.length) * 10n ** BigInt(sum.scale);
  return { units: numerator / denominator, scale };
}

const TEN: Decimal = { units: 10n, scale: 0 };

/** A grade or promedio as SEP writes it (§4.1): two decimals, and `10` without any. */
export function formatGrade(d: Decimal): string {
  if (sameDecimal(d, TEN)) return '10';
  const scale = Math.max(d.scale, 2);
  return formatDecimal({ units: rescale(d, scale), scale });
}
