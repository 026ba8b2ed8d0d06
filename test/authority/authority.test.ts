import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuthorityError, DEFAULT_AUTHORITY_OFFICIAL, loadAuthority } from '../../src/authority/authority.js';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';
import { signCadena, verifySello } from '../../src/domain/efirma/sello.js';
import { repoPath } from '../../src/repo-path.js';
import { mintEfirma, testCa } from '../support/pki.js';
import {
  AUTHORITY_CER_FILE,
  AUTHORITY_IDENTITY,
  AUTHORITY_KEY_FILE,
  AUTHORITY_NOT_AFTER,
  AUTHORITY_NOT_BEFORE,
  AUTHORITY_PASSWORD,
} from '../support/make-authority-fixture.js';

const OFFICIAL = { idCargo: '1', cargo: 'DIRECTOR' };
const fixture = {
  cerPath: repoPath('fixtures', 'authority', AUTHORITY_CER_FILE),
  keyPath: repoPath('fixtures', 'authority', AUTHORITY_KEY_FILE),
  password: AUTHORITY_PASSWORD,
  official: OFFICIAL,
};

const dir = mkdtempSync(join(tmpdir(), 'metmec-authority-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Buffer | string): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

t.test('the committed fixture is the documented persona física FIEL and its key', async (t) => {
  const authority = loadAuthority(fixture);
  const cert = authority.certificate;
  t.equal(authority.numeroCertificado, '30001000000900000100');
  t.equal(cert.number, AUTHORITY_IDENTITY.number);
  t.equal(cert.name, 'ELENA SOFIA MENDOZA RIVAS');
  t.equal(cert.rfc, AUTHORITY_IDENTITY.rfc);
  t.equal(cert.curp, 'MERE780412MDFNVL01');
  t.equal(cert.kind, 'FIEL');
  t.equal(cert.persona, 'FISICA');
  t.equal(cert.keyBits, 2048);
  t.equal(cert.validFrom.toISOString(), AUTHORITY_NOT_BEFORE.toISOString());
  t.equal(cert.validTo.toISOString(), '2035-12-31T23:59:59.000Z');
  t.equal(AUTHORITY_NOT_AFTER.toISOString(), '2035-12-31T23:59:59.000Z');
  t.same(authority.official, { curp: 'MERE780412MDFNVL01', nombreCompleto: 'ELENA SOFIA MENDOZA RIVAS', idCargo: '1', cargo: 'DIRECTOR' });
  t.ok(verifySello('||prueba||', signCadena('||prueba||', authority.privateKey), cert.publicKey), 'the key signs for the certificate');
  t.ok(Object.isFrozen(authority) && Object.isFrozen(authority.official));
});

t.test('the password documented in fixtures/authority/README.md opens the key', async (t) => {
  const readme = readFileSync(repoPath('fixtures', 'authority', 'README.md'), 'utf8');
  t.match(readme, `**\`${AUTHORITY_PASSWORD}\`**`);
  t.match(readme, AUTHORITY_IDENTITY.curp);
  t.match(readme, AUTHORITY_IDENTITY.number);
  t.equal(CONFIG_VARIABLES['METMEC_AUTHORITY_PASSWORD']?.default, AUTHORITY_PASSWORD);
});

t.test('config: the defaults point at the fixture, resolved against the repository root', async (t) => {
  const config = loadConfig({});
  t.same(config.authority, { cerPath: fixture.cerPath, keyPath: fixture.keyPath, password: '12345678a' });
  const custom = loadConfig({ METMEC_AUTHORITY_CER: 'x/a.cer', METMEC_AUTHORITY_KEY: '/abs/a.key', METMEC_AUTHORITY_PASSWORD: ' secreto ' });
  t.same(custom.authority, { cerPath: resolve('x/a.cer'), keyPath: '/abs/a.key', password: ' secreto ' }, 'given paths resolve against the working directory');
  t.doesNotThrow(() => loadAuthority({ ...config.authority, official: DEFAULT_AUTHORITY_OFFICIAL }));
});

t.test('an unreadable file is named in the error', async (t) => {
  const missing = join(dir, 'no-such.cer');
  t.throws(() => loadAuthority({ ...fixture, cerPath: missing }), { name: 'AuthorityError', message: new RegExp(`certificate ${missing}`) });
  const missingKey = join(dir, 'no-such.key');
  t.throws(() => loadAuthority({ ...fixture, keyPath: missingKey }), { name: 'AuthorityError', message: new RegExp(`private key ${missingKey}`) });
  const garbage = file('garbage.cer', 'not a certificate');
  t.throws(() => loadAuthority({ ...fixture, cerPath: garbage }), { message: new RegExp(`certificate ${garbage} is unreadable`) });
});

t.test('a wrong password and a key of another certificate are refused, naming the key file', async (t) => {
  t.throws(() => loadAuthority({ ...fixture, password: 'otra' }), {
    name: 'AuthorityError',
    message: new RegExp(`private key ${fixture.keyPath} does not open`),
  });
  const other = mintEfirma({ freshKey: true });
  const otherKey = file('other.key', other.keyDer);
  const err = t.throws(() => loadAuthority({ ...fixture, keyPath: otherKey, password: other.password }));
  t.ok(err instanceof AuthorityError);
  t.match((err as Error).message, `${otherKey} does not match the certificate ${fixture.cerPath}`);
});

t.test('a certificate whose serial is not a número de certificado is refused', async (t) => {
  // The test CA's serial is 16 random bytes, not 20 ASCII digits.
  const caCer = file('ca.cer', testCa().cerDer);
  t.throws(() => loadAuthority({ ...fixture, cerPath: caCer }), { message: /has no 20-digit número de certificado/ });
});
