import t from 'tap';
import { LoteEvents } from '../../src/jobs/lote-events.js';

t.test('a waiter is woken by its own lote only, and otherwise times out; nothing is left behind', async (t) => {
  const events = new LoteEvents();
  const first = events.next('qa', 100001, 5_000);
  const second = events.next('qa', 100001, 5_000);
  const other = events.next('prod', 100001, 50);
  events.processed('qa', 100001);
  t.same(await Promise.all([first, second]), [true, true], 'every waiter of that lote');
  t.equal(await other, false, 'the other environment\'s lote of the same number is not that lote');
  events.processed('qa', 100002); // nobody waits: nothing happens
  t.equal(await events.next('qa', 100001, 10), false, 'an announcement is not remembered: ask before looking');
  t.equal((events as unknown as { waiters: Map<string, unknown> }).waiters.size, 0);
});
