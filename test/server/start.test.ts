import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { ConfigError, DEFAULT_ADMIN_TOKEN, loadConfig } from '../../src/config.js';
import { readDemo } from '../../src/registry/demo.js';
import { startServer } from '../../src/server.js';
import { DataDirLockedError, lockDataDir } from '../../src/store/data-dir-lock.js';
import { freshStore, withDatabase } from '../support/database.js';
import { REPO_ROOT, spawnTypescript } from '../jobs/fixtures/child-process.js';

const ADMIN_TOKEN = 'start-test-admin-token-0123456789';
const SERVER_ENTRY = 'src/server.ts';
const LOCK_HOLDER = 'test/server/fixtures/hold-data-dir-lock.ts';

function tempDir(t: Test, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `metmec-${label}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function lockError(dir: string): Error {
  try {
    lockDataDir(dir)();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error(`${dir} could be locked`);
}

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

t.test('loadConfig: the defaults', async (t) => {
  const config = loadConfig({});
  t.match(config, {
    port: 3000,
    host: '127.0.0.1',
    databaseUrl: undefined,
    dataDir: resolve('./data'),
    adminToken: DEFAULT_ADMIN_TOKEN,
    adminTokenIsDefault: true,
    logLevel: 'info',
    seedDemo: true,
    worker: { enabled: true, pollMs: 250, leaseSeconds: 60, processingDelayMs: 0 },
    cadenaEscapeXml: false,
    renapo: false,
    holidays: { statutory: true, dates: [] },
  });
  t.same(loadConfig({ METMEC_HOLIDAYS: 'lft,2026-12-12' }).holidays, { statutory: true, dates: ['2026-12-12'] });
  t.same(loadConfig({ METMEC_HOLIDAYS: 'none' }).holidays, { statutory: false, dates: [] }, 'none: weekends only');
  t.match(loadConfig({}).dec, { numeroCiclosRule: 'distinct-cycles', acceptTenWithDecimals: false, allowExtranjeroLugarExpedicion: false, expedicionWindowDays: { min: 1, max: 90 } });
  t.match(loadConfig({ METMEC_DEC_NUMERO_CICLOS: 'plan', METMEC_DEC_ACCEPT_10_00: 'true' }).dec, { numeroCiclosRule: 'plan', acceptTenWithDecimals: true });
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.worker) && Object.isFrozen(config.limits), 'frozen, nested objects too');
  t.equal(loadConfig({}).mallocArenas, 4);
  t.equal(loadConfig({ PORT: '' }).port, 3000, 'an empty variable means the default');
  t.match(loadConfig({ PORT: '0', METMEC_DATA_DIR: 'memory://', DATABASE_URL: 'postgresql://u@h:5/db', METMEC_WORKER: 'off' }), {
    port: 0,
    dataDir: 'memory://',
    databaseUrl: 'postgresql://u@h:5/db',
    worker: { enabled: false },
  });
});

t.test('loadConfig: a bad value names the variable, what it expects and what it found', async (t) => {
  t.equal(configError({ PORT: 'abc' }), 'Invalid configuration:\n  PORT: expected an integer from 0 to 65535, found "abc"');
  t.match(configError({ PORT: '65536' }), 'PORT: expected an integer from 0 to 65535, found "65536"');
  t.match(configError({ METMEC_ADMIN_TOKEN: 'short' }), 'METMEC_ADMIN_TOKEN: expected at least 16 characters, found "5 characters"');
  t.notMatch(configError({ METMEC_ADMIN_TOKEN: 'short' }), 'short', 'the token itself is not echoed');
  t.match(configError({ DATABASE_URL: 'mysql://x' }), 'DATABASE_URL: expected a postgres://user@host:port/database URL, found "mysql://x"');
  const withPassword = configError({ DATABASE_URL: 'mysql://u:s3cret@x/db' });
  t.match(withPassword, 'found "mysql://u:***@x/db"');
  t.notMatch(withPassword, 's3cret', 'a password in a bad URL is not echoed');
  t.match(configError({ METMEC_WORKER: 'maybe' }), 'METMEC_WORKER: expected true or false, found "maybe"');
  t.match(configError({ METMEC_DEC_NUMERO_CICLOS: 'cycles' }), 'METMEC_DEC_NUMERO_CICLOS: expected one of distinct-cycles, plan, found "cycles"');
  t.match(configError({ MALLOC_ARENA_MAX: '0' }), 'MALLOC_ARENA_MAX: expected an integer from 1 to 1024, found "0"');
  t.match(configError({ METMEC_HOLIDAYS: 'lft,2026-13-01' }), 'METMEC_HOLIDAYS: expected `lft`, `none` or dates AAAA-MM-DD separated by commas, found "2026-13-01"');

  const all = configError({ PORT: 'abc', METMEC_ADMIN_TOKEN: 'short', DATABASE_URL: 'mysql://x', METMEC_WORKER: 'maybe' });
  t.same(
    all.split('\n').slice(1).map((line) => line.trim().split(':')[0]),
    ['PORT', 'DATABASE_URL', 'METMEC_ADMIN_TOKEN', 'METMEC_WORKER'],
    'every bad variable is reported at once',
  );
});

t.test('data-dir lock: a live holder in another process is refused, by pid', async (t) => {
  const dir = tempDir(t, 'lock');
  const holder = spawnTypescript(LOCK_HOLDER, [dir]);
  t.teardown(() => {
    holder.process.kill('SIGKILL');
  });
  const [, pid] = await holder.line(/^locked (\d+)$/);
  t.equal(Number(pid), holder.process.pid, 'the child holds the lock');

  for (const attempt of ['first', 'second']) {
    const error = lockError(dir);
    t.type(error, DataDirLockedError, `${attempt} attempt refused`);
    t.match(error.message, `The embedded database in ${dir} is in use by another metmec process (pid ${holder.process.pid})`);
    t.match(error.message, 'METMEC_DATA_DIR', 'and says what to do');
  }
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(holder.process.pid), 'a refused attempt leaves the holder its lock');

  holder.process.stdin?.end();
  await holder.line(/^released$/);
  t.equal((await holder.exited()).code, 0);
  const unlock = lockDataDir(dir);
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(process.pid), 'free once the holder let go');
  unlock();
  t.notOk(existsSync(join(dir, 'metmec.lock')), 'unlocking removes the lock file');
});

t.test('data-dir lock: a lock left by a dead process is taken over', async (t) => {
  const dir = tempDir(t, 'stale');
  // A pid that surely belonged to a process which is gone: a child that already exited.
  const dead = spawnTypescript(LOCK_HOLDER, [dir]);
  await dead.line(/^locked \d+$/);
  dead.process.kill('SIGKILL');
  t.equal((await dead.exited()).signal, 'SIGKILL');
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(dead.process.pid), 'the killed holder left its lock file behind');

  const unlock = lockDataDir(dir);
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(process.pid), 'taken over');
  unlock();

  writeFileSync(join(dir, 'metmec.lock'), 'garbage');
  lockDataDir(dir)();
  t.pass('an unreadable lock file is taken over too');
});

t.test('data-dir lock: one process cannot open one data dir twice', async (t) => {
  const dir = tempDir(t, 'twice');
  const unlock = lockDataDir(dir);
  t.teardown(unlock);
  const error = lockError(dir);
  t.type(error, DataDirLockedError, 'a second lock in the same process is refused');
  t.match(error.message, `The embedded database in ${dir} is already open in this process (pid ${process.pid})`);
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(process.pid));
  unlock();
  lockDataDir(dir)();
  t.pass('free again after unlocking');
});

interface Running {
  readonly base: string;
  close(): Promise<void>;
}

async function start(env: Record<string, string>): Promise<Running> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    METMEC_LOG_LEVEL: 'silent',
    METMEC_ADMIN_TOKEN: ADMIN_TOKEN,
    METMEC_WORKER_POLL_MS: '20',
    METMEC_SEED_DEMO: 'true',
    ...env,
  });
  const server = await startServer(config);
  const { port } = server.app.server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: server.close };
}

const demo = readDemo();
const demoAuth = { authorization: `Basic ${Buffer.from(`${demo.usuario}:${demo.password}`).toString('base64')}` };

/** What a freshly started server must answer: health, the WSDL, the demo institution's login. */
async function checkServes(t: Test, base: string, database: 'pglite' | 'postgres'): Promise<void> {
  const health = await fetch(`${base}/health`);
  t.equal(health.status, 200);
  t.same(await health.json(), { status: 'ok', database });

  const wsdl = await fetch(`${base}/met-ws/services/TitulosElectronicos.wsdl`);
  t.equal(wsdl.status, 200);
  const wsdlText = await wsdl.text();
  t.match(wsdlText, /<(wsdl:)?definitions/);
  t.match(wsdlText, base.replace('http://', ''), 'the WSDL points at this server');

  const unknownLote = await fetch(`${base}/api/v1/met/lotes/1`, { headers: demoAuth });
  t.equal(unknownLote.status, 404, 'the demo usuario logs in (404 for an unknown lote, not 401)');
  const wrongPassword = await fetch(`${base}/api/v1/met/lotes/1`, {
    headers: { authorization: `Basic ${Buffer.from(`${demo.usuario}:not-the-password`).toString('base64')}` },
  });
  t.equal(wrongPassword.status, 401, 'and a wrong password does not');
}

async function uploadLote(base: string): Promise<{ numeroLote: number; documents: unknown[] }> {
  const response = await fetch(`${base}/api/v1/met/lotes?nombreArchivo=antes-del-reinicio.xml&wait=true`, {
    method: 'POST',
    headers: { ...demoAuth, 'content-type': 'application/xml' },
    body: '<?xml version="1.0" encoding="UTF-8"?><NoEsUnTitulo/>',
  });
  if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  const lote = (await response.json()) as { numeroLote: number; status: string; documents: unknown[] };
  if (lote.status !== 'processed') throw new Error(`lote not processed: ${JSON.stringify(lote)}`);
  return lote;
}

async function readLote(base: string, numeroLote: number) {
  const response = await fetch(`${base}/api/v1/met/lotes/${numeroLote}`, { headers: demoAuth });
  return { status: response.status, body: (await response.json()) as { status: string; documents: unknown[] } };
}

t.test('startServer on an embedded data dir: serves, refuses a second server, keeps its data over a restart', async (t) => {
  const dir = tempDir(t, 'server');
  const env = { METMEC_DATA_DIR: dir, DATABASE_URL: '' };

  const first = await start(env);
  let firstClosed = false;
  t.teardown(async () => {
    if (!firstClosed) await first.close();
  });
  await checkServes(t, first.base, 'pglite');
  const lote = await uploadLote(first.base);
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(process.pid), 'the data dir is locked while the server runs');

  const started = performance.now();
  await t.rejects(start(env), DataDirLockedError, 'a second server on the same data dir fails');
  t.ok(performance.now() - started < 5_000, 'and fails fast');
  t.equal((await fetch(`${first.base}/health`)).status, 200, 'the first server is unharmed');
  t.ok(existsSync(join(dir, 'metmec.lock')), 'and keeps its lock');

  await first.close();
  firstClosed = true;
  t.notOk(existsSync(join(dir, 'metmec.lock')), 'closing releases the lock');

  const second = await start(env);
  t.teardown(second.close);
  await checkServes(t, second.base, 'pglite');
  const after = await readLote(second.base, lote.numeroLote);
  t.equal(after.status, 200, 'the lote uploaded before the restart is still there');
  t.equal(after.body.status, 'processed');
  t.same(after.body.documents, lote.documents, 'with the same results');
});

const databaseUrl = process.env['DATABASE_URL'];
const needsPostgres = databaseUrl ? false : 'needs a real PostgreSQL: set DATABASE_URL=postgres://…';

t.test('startServer on PostgreSQL: serves, several servers share one database, data survives a restart', { skip: needsPostgres }, async (t) => {
  const url = databaseUrl!;
  const store = await freshStore();
  t.teardown(() => store.close());
  const name = await sql<{ name: string }>`SELECT current_database() AS name`.execute(store.db);
  const env = { DATABASE_URL: withDatabase(url, name.rows[0]!.name) };

  const first = await start(env);
  let firstClosed = false;
  t.teardown(async () => {
    if (!firstClosed) await first.close();
  });
  await checkServes(t, first.base, 'postgres');
  const lote = await uploadLote(first.base);

  const other = await start(env);
  t.teardown(other.close);
  const seen = await readLote(other.base, lote.numeroLote);
  t.equal(seen.status, 200, 'a second server on the same database sees the lote (no lock with PostgreSQL)');

  await first.close();
  firstClosed = true;
  const third = await start(env);
  t.teardown(third.close);
  await checkServes(t, third.base, 'postgres');
  const after = await readLote(third.base, lote.numeroLote);
  t.equal(after.body.status, 'processed');
  t.same(after.body.documents, lote.documents, 'the lote survived the restart');
});

t.test('startServer: a failed start leaves nothing running behind', async (t) => {
  // Take a port, so listen() fails after the app (and its worker) were built and made ready.
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const { port } = blocker.address() as AddressInfo;
  const dir = tempDir(t, 'busy');
  // In a process of its own: once startServer has failed, nothing may keep that process alive.
  const child = spawnTypescript('test/server/fixtures/start-on-busy-port.ts', [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    METMEC_DATA_DIR: dir,
    DATABASE_URL: '',
    METMEC_LOG_LEVEL: 'silent',
  });
  t.teardown(() => {
    child.process.kill('SIGKILL');
  });
  await child.line(/^start failed: EADDRINUSE$/);
  t.notOk(existsSync(join(dir, 'metmec.lock')), 'the data dir is released');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    child.exited(),
    new Promise<'still running 10 s later'>((resolve) => (timer = setTimeout(() => resolve('still running 10 s later'), 10_000))),
  ]);
  clearTimeout(timer);
  t.same(exit, { code: 0, signal: null }, 'the process ends by itself: no worker loop or database left running');
});

t.test('the entry point: bad configuration exits 2 naming the variable', async (t) => {
  const child = spawnTypescript(SERVER_ENTRY, [], { PORT: 'abc', DATABASE_URL: '', METMEC_DATA_DIR: 'memory://' });
  t.teardown(() => {
    child.process.kill('SIGKILL');
  });
  const exit = await child.exited();
  t.same(exit, { code: 2, signal: null }, child.stderr());
  t.match(child.stderr(), 'metmec: Invalid configuration:\n  PORT: expected an integer from 0 to 65535, found "abc"');
});

t.test('the entry point, started through a symlink (as from a bin directory): a locked data dir exits 3 naming the holder', async (t) => {
  const dir = tempDir(t, 'entry-locked');
  const unlock = lockDataDir(dir);
  t.teardown(unlock);
  // Through a symlink: main() must still recognise itself as the entry point (and not silently do nothing).
  const link = join(dir, 'server-link.ts');
  symlinkSync(join(REPO_ROOT, SERVER_ENTRY), link);
  const child = spawnTypescript(link, [], { PORT: '0', DATABASE_URL: '', METMEC_DATA_DIR: dir, METMEC_LOG_LEVEL: 'silent' });
  t.teardown(() => {
    child.process.kill('SIGKILL');
  });
  const exit = await child.exited();
  t.same(exit, { code: 3, signal: null }, child.stderr() || 'main() ran and refused the locked data dir');
  t.match(child.stderr(), `metmec: The embedded database in ${dir} is in use by another metmec process (pid ${process.pid})`);
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(process.pid), 'the holder keeps its lock');
});

t.test('the entry point: serves, and SIGTERM closes it cleanly (exit 0, lock released)', async (t) => {
  const dir = tempDir(t, 'entry');
  const child = spawnTypescript(SERVER_ENTRY, [], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: '',
    METMEC_DATA_DIR: dir,
    METMEC_LOG_LEVEL: 'info',
    METMEC_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  t.teardown(() => {
    child.process.kill('SIGKILL');
  });
  const [, base] = await child.line(/"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/);
  await child.line(/"msg":"metmec ready"/);
  await checkServes(t, base!, 'pglite');
  t.equal(readFileSync(join(dir, 'metmec.lock'), 'utf8'), String(child.process.pid), 'the server process holds the lock');

  child.process.kill('SIGTERM');
  t.same(await child.exited(), { code: 0, signal: null }, child.stderr());
  t.match(child.stdout(), '"msg":"shutting down"');
  t.notOk(existsSync(join(dir, 'metmec.lock')), 'the lock is released on shutdown');
});
