import t from 'tap';
import { addBusinessHours } from '../../src/domain/business-hours.js';
import { holidayCalendar, parseHolidaySpec, statutoryHolidays } from '../../src/domain/holidays.js';

t.test('the Ley Federal del Trabajo art. 74 rest days, computed per year', async (t) => {
  t.same(statutoryHolidays(2026), ['2026-01-01', '2026-02-02', '2026-03-16', '2026-05-01', '2026-09-16', '2026-11-16', '2026-12-25']);
  t.same(statutoryHolidays(2027), ['2027-01-01', '2027-02-01', '2027-03-15', '2027-05-01', '2027-09-16', '2027-11-15', '2027-12-25']);
  t.ok(statutoryHolidays(2030).includes('2030-10-01'), '1 October in a year the federal executive changes');
  t.notOk(statutoryHolidays(2026).includes('2026-10-01'));
});

t.test('METMEC_HOLIDAYS items: lft and explicit dates', async (t) => {
  t.same(parseHolidaySpec('lft, 2026-04-02,2026-04-03'), { spec: { statutory: true, dates: ['2026-04-02', '2026-04-03'] }, invalid: [] });
  t.same(parseHolidaySpec(''), { spec: { statutory: false, dates: [] }, invalid: [] });
  t.same(parseHolidaySpec('2026-02-30,tomorrow').invalid, ['2026-02-30', 'tomorrow'], 'impossible dates and words are reported');
  t.same(parseHolidaySpec('2028-02-29,2026-02-29').invalid, ['2026-02-29'], 'leap days only in leap years');

  const calendar = holidayCalendar({ statutory: true, dates: ['2026-12-12'] });
  t.ok(calendar.has('2026-11-16'), 'statutory');
  t.ok(calendar.has('2026-12-12'), 'explicit');
  t.notOk(calendar.has('2026-11-17'));
  t.notOk(holidayCalendar({ statutory: false, dates: [] }).has('2026-11-16'), 'lft left out');
});

t.test('48 business hours across the third Monday of November', async (t) => {
  // Friday 13 November 2026 10:00 Mexico City: Monday 16 is a rest day, so the cancellation takes effect Wednesday 18.
  const friday = new Date('2026-11-13T10:00:00-06:00');
  t.equal(addBusinessHours(friday, 48, holidayCalendar({ statutory: true, dates: [] })).toISOString(), new Date('2026-11-18T10:00:00-06:00').toISOString());
  t.equal(addBusinessHours(friday, 48, holidayCalendar({ statutory: false, dates: [] })).toISOString(), new Date('2026-11-17T10:00:00-06:00').toISOString());
});
