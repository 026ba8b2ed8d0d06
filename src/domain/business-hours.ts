import { mexicoCityDate } from './dates.js';
import type { HolidayCalendar } from './holidays.js';

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Mexico_City', timeZoneName: 'longOffset' });
const HOUR = 3_600_000;

/** Mexico City's UTC offset at an instant, in minutes (−360 for UTC−06:00). */
function offsetMinutes(instant: Date): number {
  const name = offsetFormat.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The instant of the next Mexico City midnight after `instant`. */
function nextMidnight(instant: Date): Date {
  const today = mexicoCityDate(instant);
  const tomorrowUtc = Date.parse(`${today}T00:00:00Z`) + 24 * HOUR;
  const guess = new Date(tomorrowUtc - offsetMinutes(instant) * 60_000);
  return new Date(tomorrowUtc - offsetMinutes(guess) * 60_000);
}

export function isBusinessDay(date: string, holidays: HolidayCalendar): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday >= 1 && weekday <= 5 && !holidays.has(date);
}

/**
 * `start` plus `hours` counted only on business days in Mexico City (Monday to Friday, not a
 * holiday), each business day counting all its 24 hours. A 48-business-hour cancellation requested
 * on a Friday at 10:00 takes effect on Tuesday at 10:00.
 */
export function addBusinessHours(start: Date, hours: number, holidays: HolidayCalendar): Date {
  let cursor = start;
  let remaining = hours * HOUR;
  while (remaining > 0) {
    const midnight = nextMidnight(cursor);
    if (isBusinessDay(mexicoCityDate(cursor), holidays)) {
      const step = Math.min(remaining, midnight.getTime() - cursor.getTime());
      cursor = new Date(cursor.getTime() + step);
      remaining -= step;
    } else {
      cursor = midnight;
    }
  }
  return cursor;
}
