import t from 'tap';
import { UploadHandoff } from '../../src/jobs/upload-handoff.js';

t.test('an upload is taken once, within its time; past the byte bound it is not held', async (t) => {
  let now = 0;
  const handoff = new UploadHandoff({ maxBytes: 100, ttlMs: 1000, now: () => now });
  handoff.offer(1, { archivo: Buffer.alloc(60, 1) });
  handoff.offer(2, { archivo: Buffer.alloc(60, 2) });
  t.equal(handoff.size, 1, 'the second would pass the bound: not held (its worker reads it from the database)');
  t.same(handoff.take(1)?.archivo, Buffer.alloc(60, 1));
  t.equal(handoff.take(1), undefined, 'taken once');
  t.equal(handoff.take(2), undefined);

  handoff.offer(3, { archivo: Buffer.alloc(60, 3) });
  now = 1001;
  t.equal(handoff.take(3), undefined, 'too late: another process has it, or the queue was long');
  handoff.offer(4, { archivo: Buffer.alloc(100, 4) });
  t.equal(handoff.size, 1, 'the expired upload no longer counts against the bound');
});

t.test('a view into a larger request body is held as it is, never copied, and the whole body counts against the bound', async (t) => {
  const handoff = new UploadHandoff({ maxBytes: 30_000, ttlMs: 1000 });
  const body = Buffer.alloc(20_000, 7);
  const view = body.subarray(100, 15_100);
  handoff.offer(1, { archivo: view });
  t.equal(handoff.take(1)?.archivo, view, 'the same view: a copy would add its size to the peak while the request is in flight');

  handoff.offer(2, { archivo: view });
  handoff.offer(3, { archivo: Buffer.alloc(15_000, 3) });
  t.equal(handoff.size, 1, '20,000 bytes held for the view: another 15,000 would pass the bound');
});
