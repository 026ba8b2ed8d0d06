/**
 * PostgreSQL cannot store U+0000 in text or jsonb. Untrusted names carry it (found by the fuzzer,
 * test/robustness/fuzz.test.ts: a zip entry named "x\0.xml"): the lote must still finish with its
 * specific refusal, at once, instead of failing its inserts until it ends in PKG-INTERNAL.
 */
import t from 'tap';
import { storableText } from '../../src/store/repositories/lotes.js';
import { basicAuth, buildTestApp } from '../support/app.js';
import { seedInstitution, tituloFor, zipOf } from '../support/met-scenario.js';

t.test('storableText replaces only U+0000', async (t) => {
  t.equal(storableText('x\u0000.xml'), 'x\uFFFD.xml');
  t.equal(storableText('a\u0000b\u0000'), 'a\uFFFDb\uFFFD');
  const plain = 'TÍTULO ñandú\u0001.xml';
  t.equal(storableText(plain), plain);
});

t.test('a zip entry whose name holds U+0000 gets PKG-ZIP-NAME, not an internal error', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const inst = await seedInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const zip = await zipOf([
    { name: 'bueno.xml', content: tituloFor(testApp, inst, 'NUL-1') },
    { name: 'x\u0000.xml', content: tituloFor(testApp, inst, 'NUL-2') },
  ]);
  const res = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?wait=true&waitSeconds=10&nombreArchivo=nul.zip',
    headers: { ...auth, 'content-type': 'application/zip' },
    payload: zip,
  });
  t.equal(res.statusCode, 200, 'processed within the wait');
  const [row] = res.json().documents;
  t.match(row, { archivo: 'nul.zip', estatus: 2 });
  const check = row.checks.find((c: { status: string }) => c.status === 'error');
  t.match(check, { code: 'PKG-ZIP-NAME', found: 'x\uFFFD.xml' });
  t.match(check.explanation, /U\+0000/, 'the explanation still names the character');
});

t.test('a nombreArchivo holding U+0000 is stored, not a 500', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const inst = await seedInstitution(testApp);
  const res = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?wait=true&waitSeconds=10&nombreArchivo=a%00b.xml',
    headers: { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/xml' },
    payload: tituloFor(testApp, inst, 'NUL-3'),
  });
  t.equal(res.statusCode, 200, res.body.slice(0, 300));
  t.match(res.json(), { nombreArchivo: 'a\uFFFDb.xml', counts: { registered: 1 } });
});
