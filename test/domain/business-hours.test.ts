import t from 'tap';
import { addBusinessHours, isBusinessDay } from '../../src/domain/business-hours.js';

const none = new Set<string>();
// Mexico City is UTC−06:00 (no daylight saving time since 2022).
const at = (local: string) => new Date(`${local}-06:00`);

t.test('48 business hours skip weekends and holidays', async (t) => {
  t.equal(addBusinessHours(at('2026-11-23T10:00:00'), 48, none).toISOString(), at('2026-11-25T10:00:00').toISOString(), 'Monday → Wednesday');
  t.equal(addBusinessHours(at('2026-11-27T10:00:00'), 48, none).toISOString(), at('2026-12-01T10:00:00').toISOString(), 'Friday → Tuesday');
  t.equal(addBusinessHours(at('2026-11-28T15:00:00'), 48, none).toISOString(), at('2026-12-02T00:00:00').toISOString(), 'Saturday counts from Monday 00:00');
  t.equal(
    addBusinessHours(at('2026-11-27T10:00:00'), 48, new Set(['2026-11-30'])).toISOString(),
    at('2026-12-02T10:00:00').toISOString(),
    'a holiday Monday adds a day',
  );
  t.equal(addBusinessHours(at('2026-11-23T10:00:00'), 0, none).toISOString(), at('2026-11-23T10:00:00').toISOString());
});

t.test('business days', async (t) => {
  t.ok(isBusinessDay('2026-11-23', none));
  t.notOk(isBusinessDay('2026-11-22', none), 'Sunday');
  t.notOk(isBusinessDay('2026-11-28', none), 'Saturday');
  t.notOk(isBusinessDay('2026-11-16', new Set(['2026-11-16'])), 'holiday');
});
