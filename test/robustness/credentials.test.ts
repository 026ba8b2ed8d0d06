/**
 * Credentials (issue "Prove it holds…", item 5): an unknown user and a wrong password look and take
 * the same; repeated failures are rate-limited per usuario and per address by the service clock; the
 * admin API refuses every route without its token or with a wrong one; no secret reaches the log.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { AdjustableClock } from '../../src/clock.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_LOGIN_THROTTLE } from '../../src/registry/login-throttle.js';
import { MET_MESSAGES } from '../../src/wire/met/messages.js';
import { ADMIN_TOKEN, adminHeaders, basicAuth, buildTestApp, type TestApp } from '../support/app.js';
import { freshStore } from '../support/database.js';
import { seedInstitution, tituloFor, zipOf, type Institution } from '../support/met-scenario.js';
import { mecEnvelope } from '../support/mec-soap.js';
import { mintEfirma } from '../support/pki.js';
import { LONG, recordFigures } from '../support/robustness-figures.js';

const TIMING_PAIRS = LONG ? 120 : 24;

/** Everything the app logged (pino JSON lines), at trace level. */
const logLines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

/** An app with the failed-login limits off (identical answers, timing, logs, admin), logging at trace. */
async function loggedApp(): Promise<TestApp> {
  const store = await freshStore();
  const clock = new AdjustableClock();
  const config = loadConfig({
    METMEC_ADMIN_TOKEN: ADMIN_TOKEN,
    METMEC_WORKER_POLL_MS: '20',
    METMEC_LOG_LEVEL: 'trace',
    METMEC_LOGIN_MAX_FAILURES: '0',
    METMEC_LOGIN_MAX_FAILURES_PER_ADDRESS: '0',
  });
  const app = await buildApp({ config, store, clock, logger: { level: 'trace', stream: logStream } });
  await app.ready();
  return { app, store, clock, close: async () => { await app.close(); await store.close(); } };
}

const soap = (app: FastifyInstance, service: 'met' | 'mec', operation: string, inner: string, usuario: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: `/${service}-ws/services/`, headers: { 'content-type': 'text/xml; charset=utf-8' }, payload: mecEnvelope(operation, inner, usuario, password), remoteAddress });

/** The parts of an answer a caller can compare: status, headers but the volatile ones, body without the request id. */
function visible(response: LightMyRequestResponse) {
  const { date: _date, 'content-length': _length, ...headers } = response.headers;
  return { status: response.statusCode, headers, body: response.body.replace(/"requestId":"[^"]*"/, '"requestId":"…"') };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

let logged: TestApp;
let inst: Institution;
t.before(async () => {
  logged = await loggedApp();
  inst = await seedInstitution(logged);
});
t.teardown(() => logged.close());

const REST_PROBES: InjectOptions[] = [
  { method: 'GET', url: '/api/v1/met/lotes/100001' },
  { method: 'GET', url: '/api/v1/mec/folios' },
  { method: 'GET', url: '/api/v1/dgair/solicitudes' },
];

t.test('unknown user and wrong password: the same answer on REST and SOAP, headers included', async (t) => {
  const { app } = logged;
  for (const probe of REST_PROBES) {
    const unknown = await app.inject({ ...probe, headers: basicAuth('usuario.inexistente', 'cualquiera') });
    const wrong = await app.inject({ ...probe, headers: basicAuth(inst.usuario, 'not-the-password') });
    t.equal(unknown.statusCode, 401, `${probe.url}: 401`);
    t.equal(unknown.headers['www-authenticate'], 'Basic realm="metmec", charset="UTF-8"');
    t.same(visible(wrong), visible(unknown), `${probe.method} ${probe.url}: identical`);
  }
  const operations: Array<['met' | 'mec', string, string]> = [
    ['met', 'cargaTituloElectronico', `<sch:nombreArchivo>t.xml</sch:nombreArchivo><sch:archivoBase64>${Buffer.from('<x/>').toString('base64')}</sch:archivoBase64>`],
    ['met', 'consultaProcesoTituloElectronico', '<sch:numeroLote>100001</sch:numeroLote>'],
    ['met', 'descargaTituloElectronico', '<sch:numeroLote>100001</sch:numeroLote>'],
    ['met', 'cancelaTituloElectronico', '<sch:folioControl>F-1</sch:folioControl><sch:motCancelacion>R1</sch:motCancelacion>'],
    ['mec', 'consultaFolio', '<sch:folio>P1000001</sch:folio>'],
    ['mec', 'consultaProcesoCertificadoElectronico', '<sch:numeroLote>100001</sch:numeroLote>'],
    ['mec', 'cancelaCertificadoElectronico', '<sch:folioControl>F-1</sch:folioControl>'],
  ];
  for (const [service, operation, inner] of operations) {
    const unknown = await soap(app, service, operation, inner, 'usuario.inexistente', 'cualquiera');
    const wrong = await soap(app, service, operation, inner, inst.usuario, 'not-the-password');
    t.equal(unknown.statusCode, 200, `${operation}: an answer, not a fault`);
    t.match(unknown.body, MET_MESSAGES.authFailed());
    t.same(visible(wrong), visible(unknown), `${operation}: identical`);
  }
});

t.test('unknown user and wrong password take the same time (medians of alternating attempts)', async (t) => {
  const { app } = logged;
  const rest = { unknown: [] as number[], wrong: [] as number[] };
  const soapTimes = { unknown: [] as number[], wrong: [] as number[] };
  const inner = '<sch:numeroLote>100001</sch:numeroLote>';
  for (let i = 0; i < TIMING_PAIRS; i++) {
    // Alternate which goes first so drift on a loaded machine falls on both alike; distinct
    // unknown names and wrong passwords so nothing is cached.
    const pair = [
      async () => rest.unknown.push(await timed(() => app.inject({ ...REST_PROBES[0]!, headers: basicAuth(`nadie.${i}`, `x${i}`) }))),
      async () => rest.wrong.push(await timed(() => app.inject({ ...REST_PROBES[0]!, headers: basicAuth(inst.usuario, `wrong-${i}`) }))),
      async () => soapTimes.unknown.push(await timed(() => soap(app, 'met', 'consultaProcesoTituloElectronico', inner, `nadie.soap.${i}`, `x${i}`))),
      async () => soapTimes.wrong.push(await timed(() => soap(app, 'met', 'consultaProcesoTituloElectronico', inner, inst.usuario, `wrong-soap-${i}`))),
    ];
    if (i % 2) pair.reverse();
    for (const run of pair) await run();
  }
  for (const [channel, times] of [['REST', rest], ['SOAP', soapTimes]] as const) {
    const [u, w] = [median(times.unknown), median(times.wrong)];
    t.comment(`${channel}: median unknown user ${u.toFixed(1)} ms, wrong password ${w.toFixed(1)} ms over ${TIMING_PAIRS} pairs`);
    t.ok(u / w > 0.5 && u / w < 2, `${channel}: ratio ${(u / w).toFixed(2)} within 0.5–2`);
    t.ok(Math.abs(u - w) < 20, `${channel}: difference ${Math.abs(u - w).toFixed(1)} ms < 20 ms`);
    t.ok(w > 5, `${channel}: a wrong password costs a real scrypt (${w.toFixed(1)} ms), so the comparison means something`);
  }
});

t.test('every /api/v1/admin route refuses without the token and with a wrong one, alike', async (t) => {
  const { app } = logged;
  const spec = app.swagger() as { paths: Record<string, Record<string, { security?: unknown }>> };
  const routes = Object.entries(spec.paths)
    .filter(([path]) => path.startsWith('/api/v1/admin'))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })));
  t.ok(routes.length >= 25, `${routes.length} admin routes enumerated from the OpenAPI document`);
  const fill = (path: string) => path.replace(/\{environment\}/g, 'qa').replace(/\{[^}]+\}/g, (name) => (name === '{numeroLote}' || name === '{id}' ? '1' : 'x1'));
  const wrongTokens = [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), 'wrong-token', ''];
  for (const { method, path } of routes) {
    const url = fill(path);
    const base = { method: method as InjectOptions['method'], url, payload: method === 'GET' ? undefined : {} };
    const none = await app.inject(base);
    t.equal(none.statusCode, 401, `${method} ${path}: no token → 401`);
    t.match(none.json(), { error: { code: 'UNAUTHENTICATED' } });
    for (const token of wrongTokens) {
      const wrong = await app.inject({ ...base, headers: { authorization: `Bearer ${token}` } });
      t.same(visible(wrong), visible(none), `${method} ${path}: wrong token ${JSON.stringify(token.slice(0, 6))}… answers as no token`);
    }
    const basic = await app.inject({ ...base, headers: basicAuth(inst.usuario, inst.password) });
    t.equal(basic.statusCode, 401, `${method} ${path}: web-service credentials are not the admin token`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/admin/clock', headers: adminHeaders() })).statusCode, 200, 'the right token works');
});

t.test('no secret reaches the log: passwords, admin token, key password, Authorization values', async (t) => {
  const { app } = logged;
  const secrets = new Map<string, string>();
  const keep = (what: string, value: string) => secrets.set(value, what);
  keep('QA password', inst.password);
  keep('production password', inst.prodPassword);
  keep('admin token', ADMIN_TOKEN);
  keep('authority key password', loadConfig({}).authority.password);
  keep('admin Authorization', adminHeaders().authorization!);
  keep('Basic Authorization', basicAuth(inst.usuario, inst.password).authorization!);
  keep('Basic credentials', basicAuth(inst.usuario, inst.password).authorization!.slice('Basic '.length));

  // Logins (good and bad, REST and SOAP), seeds with passwords, uploads, admin calls.
  const wrongPassword = 'Wr0ng-Secret-Guess-77';
  keep('wrong password tried', wrongPassword);
  await app.inject({ method: 'GET', url: '/api/v1/mec/folios', headers: basicAuth(inst.usuario, inst.password) });
  await app.inject({ method: 'GET', url: '/api/v1/mec/folios', headers: basicAuth(inst.usuario, wrongPassword) });
  await soap(app, 'met', 'consultaProcesoTituloElectronico', '<sch:numeroLote>1</sch:numeroLote>', inst.usuario, inst.password);
  await soap(app, 'met', 'consultaProcesoTituloElectronico', '<sch:numeroLote>1</sch:numeroLote>', inst.usuario, wrongPassword);
  const seededPassword = 'Seeded-Pa55word-Secret';
  const userPassword = 'Put-User-Pa55word-Secret';
  keep('seeded password', seededPassword);
  keep('PUT user password', userPassword);
  const seed = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/seed',
    headers: adminHeaders(),
    payload: { institutions: [{ cveInstitucion: '090077', nombre: 'UNIVERSIDAD DEL LOG', users: [{ usuario: 'usuario.log', password: seededPassword, environment: 'qa' }], signers: [{ certificateBase64: mintEfirma().cerDer.toString('base64'), idCargo: 3, cargo: 'RECTOR' }] }] },
  });
  t.equal(seed.statusCode, 200, seed.body);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/admin/seed', headers: adminHeaders(), payload: { institutions: [{ cveInstitucion: 'x', users: [{ usuario: 'u', password: seededPassword }] }] } });
  t.equal(bad.statusCode, 422, 'an invalid seed is refused (and logged) too');
  const put = await app.inject({ method: 'PUT', url: `/api/v1/admin/institutions/${inst.cveInstitucion}/users/usuario.put`, headers: adminHeaders(), payload: { password: userPassword, environment: 'qa' } });
  t.ok(put.statusCode < 300, put.body);
  await app.inject({ method: 'GET', url: '/api/v1/mec/folios', headers: basicAuth('usuario.put', userPassword) });
  await app.inject({ method: 'GET', url: '/api/v1/admin/institutions', headers: { authorization: `Bearer ${ADMIN_TOKEN}-wrong` } });
  const upload = await app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?wait=true',
    headers: { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/zip' },
    payload: await zipOf([{ name: 'a.xml', content: tituloFor(logged, inst, 'LOG-1') }]),
  });
  t.equal(upload.statusCode, 200, upload.body);
  await soap(app, 'met', 'cargaTituloElectronico', `<sch:nombreArchivo>t.xml</sch:nombreArchivo><sch:archivoBase64>${Buffer.from('<x/>').toString('base64')}</sch:archivoBase64>`, inst.usuario, inst.password);

  const log = logLines.join('');
  t.ok(logLines.length > 20, `${logLines.length} log lines captured at trace level`);
  t.match(log, /"msg":"incoming request"/, 'requests are logged');
  for (const [value, what] of secrets) t.notOk(log.includes(value), `the log holds no ${what}`);
  t.notOk(/authorization/i.test(log), 'no Authorization header is logged at all');
});

t.test('config: the failed-login variables, their defaults and bad values', async (t) => {
  const config = loadConfig({});
  t.same(config.login, DEFAULT_LOGIN_THROTTLE);
  t.same(DEFAULT_LOGIN_THROTTLE, { maxFailuresPerUser: 10, maxFailuresPerAddress: 50, windowSeconds: 900 });
  for (const [name, value] of [['METMEC_LOGIN_MAX_FAILURES', 'ten'], ['METMEC_LOGIN_MAX_FAILURES_PER_ADDRESS', '-1'], ['METMEC_LOGIN_WINDOW_SECONDS', '0'], ['METMEC_LOGIN_WINDOW_SECONDS', '86401']] as const) {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    t.ok(error instanceof ConfigError, `${name}=${value} stops start-up`);
    t.match((error as Error).message, `${name}: expected an integer`, 'naming the variable and what it expects');
    t.match((error as Error).message, JSON.stringify(value), 'and what it found');
  }
});

t.test('repeated failures are rate-limited per usuario and per address, by the service clock', async (t) => {
  const limited = await buildTestApp({ METMEC_WORKER: 'false', METMEC_LOGIN_MAX_FAILURES: '4', METMEC_LOGIN_MAX_FAILURES_PER_ADDRESS: '8', METMEC_LOGIN_WINDOW_SECONDS: '600' });
  t.teardown(limited.close);
  const { app, clock } = limited;
  const a = await seedInstitution(limited, '090011');
  // Frozen: Retry-After figures are exact however slow the machine is.
  clock.set(new Date('2026-03-02T17:00:00Z'), true);
  const rest = (usuario: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'GET', url: '/api/v1/mec/folios', headers: basicAuth(usuario, password), remoteAddress });

  // Per usuario: 4 failures from one address lock that usuario everywhere, correct password or not…
  for (let i = 0; i < 4; i++) t.equal((await rest(a.usuario, `wrong-${i}`, '10.0.0.1')).statusCode, 401);
  const locked = await rest(a.usuario, a.password, '10.0.0.2');
  t.equal(locked.statusCode, 429, 'the usuario is locked, even with its password from another address');
  t.equal(locked.headers['retry-after'], '600');
  t.match(locked.json(), { error: { code: 'TOO_MANY_FAILED_LOGINS', retryAfterSeconds: 600 } });
  // …exactly as for a usuario that does not exist, so the lock says nothing about who exists.
  for (let i = 0; i < 4; i++) t.equal((await rest('usuario.fantasma', `wrong-${i}`, '10.0.0.3')).statusCode, 401);
  t.same(visible(await rest('usuario.fantasma', 'x', '10.0.0.4')), visible(await rest(a.usuario, a.password, '10.0.0.2')), 'unknown and existing usuario locked alike');

  // SOAP: the failed-login style mensaje, no fault, no numeroLote.
  const throttled = MET_MESSAGES.loginThrottled(600);
  const carga = await soap(app, 'met', 'cargaTituloElectronico', `<sch:nombreArchivo>t.xml</sch:nombreArchivo><sch:archivoBase64>${Buffer.from('<x/>').toString('base64')}</sch:archivoBase64>`, a.usuario, a.password, '10.0.0.5');
  t.equal(carga.statusCode, 200);
  t.notMatch(carga.body, /Fault|numeroLote/);
  t.match(carga.body, `<mensaje>${throttled}</mensaje>`);
  const cancela = await soap(app, 'met', 'cancelaTituloElectronico', '<sch:folioControl>F-1</sch:folioControl><sch:motCancelacion>R1</sch:motCancelacion>', a.usuario, a.password, '10.0.0.5');
  t.match(cancela.body, /<codigo>4<\/codigo>/);
  const folio = await soap(app, 'mec', 'consultaFolio', '<sch:folio>P1</sch:folio>', 'usuario.fantasma', 'x', '10.0.0.5');
  t.match(folio.body, `<mensaje>${throttled}</mensaje>`, 'the MEC service too, for an unknown usuario alike');

  // Hammering while locked is not counted: the lock ends one window after the last real failure.
  for (let i = 0; i < 10; i++) await rest(a.usuario, `more-${i}`, '10.0.0.6');
  clock.advance(599_000);
  t.equal((await rest(a.usuario, a.password, '10.0.0.2')).headers['retry-after'], '1', 'one second left');
  clock.advance(1_000);
  t.equal((await rest(a.usuario, a.password, '10.0.0.2')).statusCode, 200, 'a correct login works again once the window has passed');

  // A correct login forgets the usuario's failures.
  for (let i = 0; i < 3; i++) await rest(a.usuario, `w-${i}`, '10.0.1.1');
  t.equal((await rest(a.usuario, a.password, '10.0.1.2')).statusCode, 200);
  for (let i = 0; i < 3; i++) await rest(a.usuario, `w2-${i}`, '10.0.1.3');
  t.equal((await rest(a.usuario, a.password, '10.0.1.2')).statusCode, 200, '3 + 3 failures around a success do not lock');
  clock.advance(600_000);

  // Per address: 8 failures spread over 8 usuarios lock the address, for every usuario, but not other addresses.
  for (let i = 0; i < 8; i++) t.equal((await rest(`spray.${i}`, 'x', '10.0.2.1')).statusCode, 401);
  t.equal((await rest(a.usuario, a.password, '10.0.2.1')).statusCode, 429, 'the address is locked, correct credentials included');
  const soapLocked = await soap(app, 'met', 'consultaProcesoTituloElectronico', '<sch:numeroLote>1</sch:numeroLote>', a.usuario, a.password, '10.0.2.1');
  t.match(soapLocked.body, `<mensaje>${throttled}</mensaje>`, 'SOAP counts the same address');
  t.equal((await rest(a.usuario, a.password, '10.0.2.2')).statusCode, 200, 'the same correct login from another address works');
  clock.advance(600_000);
  t.equal((await rest(a.usuario, a.password, '10.0.2.1')).statusCode, 200, 'and from the locked address once the window has passed');

  // SOAP failures count toward the REST lock (one limiter for both channels).
  for (let i = 0; i < 4; i++) await soap(app, 'met', 'consultaProcesoTituloElectronico', '<sch:numeroLote>1</sch:numeroLote>', a.prodUsuario, `w-${i}`, `10.0.3.${i}`);
  t.equal((await rest(a.prodUsuario, a.prodPassword, '10.0.3.9')).statusCode, 429, 'SOAP failures lock the REST login');
});

t.test('METMEC_LOGIN_MAX_FAILURES=0 turns the usuario limit off', async (t) => {
  // The logged app runs with both limits off: many failures, then the correct password works.
  const { app } = logged;
  for (let i = 0; i < 12; i++) await app.inject({ method: 'GET', url: '/api/v1/mec/folios', headers: basicAuth(inst.prodUsuario, `w-${i}`) });
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/mec/folios', headers: basicAuth(inst.prodUsuario, inst.prodPassword) })).statusCode, 200);
});

t.teardown(() => recordFigures('credentials', {}));
