import t from 'tap';
import { CertificateCache } from '../../../src/domain/efirma/certificate-cache.js';
import { CertificateParseError } from '../../../src/domain/efirma/certificate.js';
import { mintEfirma } from '../../support/pki.js';

const certs = [mintEfirma(), mintEfirma(), mintEfirma()].map((m) => ({
  base64: m.cerDer.toString('base64'),
  number: m.number,
}));
const [a, b, c] = certs as [(typeof certs)[0], (typeof certs)[0], (typeof certs)[0]];

t.test('a hit returns the same object', async (t) => {
  const cache = new CertificateCache(4);
  const first = cache.fromBase64(a.base64);
  t.equal(first.number, a.number);
  t.equal(cache.fromBase64(a.base64), first, 'identical object');
  t.equal(cache.size, 1);
});

t.test('least recently used entries are evicted beyond capacity', async (t) => {
  const cache = new CertificateCache(2);
  const pa = cache.fromBase64(a.base64);
  const pb = cache.fromBase64(b.base64);
  t.equal(cache.fromBase64(a.base64), pa, 'touch a: b is now the oldest');
  const pc = cache.fromBase64(c.base64);
  t.equal(cache.size, 2);
  t.equal(cache.fromBase64(a.base64), pa, 'a survived');
  t.equal(cache.fromBase64(c.base64), pc, 'c cached');
  const pb2 = cache.fromBase64(b.base64);
  t.not(pb2, pb, 'b was evicted and parsed again');
  t.equal(pb2.sha256, pb.sha256);
  t.equal(cache.size, 2);
});

t.test('failures are cached and rethrown', async (t) => {
  const cache = new CertificateCache(2);
  const garbage = Buffer.from('not a certificate at all').toString('base64');
  let first: unknown;
  try {
    cache.fromBase64(garbage);
  } catch (error) {
    first = error;
  }
  t.type(first, CertificateParseError);
  t.equal(cache.size, 1, 'the failure takes a slot');
  let second: unknown;
  try {
    cache.fromBase64(garbage);
  } catch (error) {
    second = error;
  }
  t.equal(second, first, 'the very same error instance: not parsed again');
  t.throws(() => cache.fromBase64('%%%'), { name: 'CertificateParseError', message: /invalid base64/ });
  t.equal(cache.size, 2);
});

t.test('clear and capacity validation', async (t) => {
  const cache = new CertificateCache();
  t.equal(cache.capacity, 256);
  cache.fromBase64(a.base64);
  cache.clear();
  t.equal(cache.size, 0);
  t.throws(() => new CertificateCache(0), RangeError);
  t.throws(() => new CertificateCache(1.5), RangeError);
});
