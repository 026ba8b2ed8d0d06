import { isIsoDate } from './shared/formats.js';

/**
 * Days that do not count as business days for the MEC's 48-business-hour cancellation. SEP never
 * published its calendar, so the default is the statutory rest days of the Ley Federal del Trabajo
 * (art. 74), computed for any year, and operators add their own dates (Holy Week, 2 November, 12
 * December…) through METMEC_HOLIDAYS.
 */
export interface HolidayCalendar {
  has(date: string): boolean;
}

/** The `METMEC_HOLIDAYS` items: `lft` (the statutory days) and explicit dates. */
export interface HolidaySpec {
  readonly statutory: boolean;
  readonly dates: readonly string[];
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The n-th Monday (1-based) of a month, as AAAA-MM-DD. */
function nthMonday(year: number, month: number, n: number): string {
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const firstMonday = 1 + ((8 - firstWeekday) % 7);
  return `${year}-${pad(month)}-${pad(firstMonday + 7 * (n - 1))}`;
}

/**
 * LFT art. 74: 1 January, the first Monday of February, the third Monday of March, 1 May,
 * 16 September, the third Monday of November, 1 October every six years when the federal executive
 * changes (2024, 2030, …) and 25 December. Election days are not included: they vary by state.
 */
export function statutoryHolidays(year: number): string[] {
  const days = [
    `${year}-01-01`,
    nthMonday(year, 2, 1),
    nthMonday(year, 3, 3),
    `${year}-05-01`,
    `${year}-09-16`,
    nthMonday(year, 11, 3),
    `${year}-12-25`,
  ];
  if (year >= 2024 && (year - 2024) % 6 === 0) days.push(`${year}-10-01`);
  return days.sort();
}

/**
 * Parses `lft,2026-04-02,2026-04-03` (comma- or space-separated; an empty text means no holidays).
 * Returns the items it could not read in `invalid`.
 */
export function parseHolidaySpec(text: string): { spec: HolidaySpec; invalid: string[] } {
  const items = text.split(/[\s,]+/).filter((item) => item !== '');
  const invalid = items.filter((item) => item.toLowerCase() !== 'lft' && !isIsoDate(item));
  return {
    spec: { statutory: items.some((item) => item.toLowerCase() === 'lft'), dates: [...new Set(items.filter(isIsoDate))].sort() },
    invalid,
  };
}

export function holidayCalendar(spec: HolidaySpec): HolidayCalendar {
  const explicit = new Set(spec.dates);
  const statutoryByYear = new Map<string, ReadonlySet<string>>();
  const statutory = (year: string): ReadonlySet<string> => {
    let days = statutoryByYear.get(year);
    if (!days) {
      days = new Set(statutoryHolidays(Number(year)));
      statutoryByYear.set(year, days);
    }
    return days;
  };
  return { has: (date) => explicit.has(date) || (spec.statutory && statutory(date.slice(0, 4)).has(date)) };
}
