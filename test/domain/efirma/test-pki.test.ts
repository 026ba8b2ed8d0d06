/** The test PKI itself (test/support/pki.ts): other suites rely on these properties. */
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import {
  createTestCa,
  curpCheckDigit,
  DEFAULT_PASSWORD,
  mintEfirma,
  POOL_SIZE,
  testCa,
} from '../../support/pki.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { openPrivateKey, privateKeyMatchesCertificate } from '../../../src/domain/efirma/private-key.js';

const CURP =
  /^[A-Z][AEIOUX][A-Z]{2}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[HM](AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d$/;

const spki = (der: Buffer): string =>
  new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }).toString('hex');

t.test('defaults', async (t) => {
  const m = mintEfirma();
  t.equal(m.password, DEFAULT_PASSWORD);
  t.equal(m.password, '12345678a');
  t.match(m.number, /^30001\d{15}$/);
  t.match(m.rfc, /^[A-Z]{4}\d{6}[A-Z\d]{3}$/);
  t.match(m.curp, CURP);
  t.equal(m.curp.slice(0, 10), m.rfc.slice(0, 10), 'RFC and CURP share letters and birth date');
  t.equal(m.curp[17], curpCheckDigit(m.curp.slice(0, 17)));
  t.equal(m.notBefore.toISOString(), '2024-01-01T00:00:00.000Z');
  t.equal(m.notAfter.toISOString(), '2030-12-31T23:59:59.000Z');
  t.equal(m.kind, 'FIEL');
  t.equal(m.persona, 'FISICA');
  t.equal(m.representativeRfc, null);
  const cert = parseCertificate(m.cerDer);
  t.equal(cert.keyBits, 2048);
  t.equal(cert.name, m.name);
  t.ok(privateKeyMatchesCertificate(openPrivateKey(m.keyDer, '12345678a'), cert));
});

t.test('the CURP check digit follows the RENAPO algorithm', async (t) => {
  t.equal(curpCheckDigit('SABC560626MDFLRN0'), '1', 'the worked example of the instructivo');
  t.equal(curpCheckDigit('FUNK671228MCLNLR0'), '5', 'SAT test CURP');
  t.equal(curpCheckDigit('VADA800927HSRSRL0'), '5', 'SAT test CURP');
  t.equal(curpCheckDigit('SABC560626MDFLRN1'), '9');
});

t.test('numbers and identities are unique within a process', async (t) => {
  const minted = Array.from({ length: 12 }, () => mintEfirma());
  t.equal(new Set(minted.map((m) => m.number)).size, 12);
  t.equal(new Set(minted.map((m) => m.curp)).size, 12);
  t.equal(new Set(minted.map((m) => m.rfc)).size, 12);
  for (const m of minted) t.match(m.curp, CURP);
});

t.test('key pool: consecutive mints never share a key; freshKey is new', async (t) => {
  const keys = Array.from({ length: POOL_SIZE + 1 }, () => spki(mintEfirma().cerDer));
  for (let i = 1; i < keys.length; i++) t.not(keys[i], keys[i - 1], `mint ${i} differs from mint ${i - 1}`);
  const all = new Set(keys);
  const fresh = spki(mintEfirma({ freshKey: true }).cerDer);
  t.notOk(all.has(fresh), 'a fresh key is not from the pool');
});

t.test('chain: issued and signed by the test CA, sha256WithRSA', async (t) => {
  const ca = new X509Certificate(testCa().cerDer);
  t.equal(testCa(), testCa(), 'memoized');
  t.ok(ca.ca, 'CA:TRUE');
  t.ok(ca.checkIssued(ca) && ca.verify(ca.publicKey), 'self-signed');
  t.match(ca.subject, /^CN=AC DE PRUEBAS METMEC\nO=SERVICIO DE ADMINISTRACION TRIBUTARIA\nOU=SAT-IES Authority\n/);
  t.match(ca.subject, /\nx500UniqueIdentifier=SAT970701NN3\n/);
  for (const m of [mintEfirma(), mintEfirma({ kind: 'CSD' }), mintEfirma({ persona: 'MORAL' })]) {
    const x = new X509Certificate(m.cerDer);
    t.ok(x.checkIssued(ca), 'issuer name matches');
    t.ok(x.verify(ca.publicKey), 'signature verifies');
    t.notOk(x.ca);
    // AlgorithmIdentifier sha256WithRSAEncryption: 1.2.840.113549.1.1.11
    t.ok(m.cerDer.includes(Buffer.from('06092a864886f70d01010b', 'hex')));
  }
  const other = createTestCa({ name: 'OTRA AC' });
  const m = mintEfirma({ ca: other });
  t.ok(new X509Certificate(m.cerDer).verify(new X509Certificate(other.cerDer).publicKey), 'custom CA');
  t.notOk(new X509Certificate(m.cerDer).verify(ca.publicKey));
});

t.test('extensions are byte-identical to SAT FIEL / CSD ones', async (t) => {
  const fiel = mintEfirma().cerDer.toString('hex');
  const csd = mintEfirma({ kind: 'CSD' }).cerDer.toString('hex');
  const basicConstraints = '300c0603551d130101ff04023000';
  const keyUsageFiel = '300b0603551d0f0404030203d8';
  const nsCertType = '301106096086480186f842010104040302' + '05a0';
  const eku = '301d0603551d250416301406082b0601050507030406082b06010505070302';
  const keyUsageCsd = '300b0603551d0f0404030206c0';
  t.ok(fiel.includes(basicConstraints + keyUsageFiel + nsCertType + eku), 'FIEL: 4 extensions in SAT order');
  t.ok(csd.includes(basicConstraints + keyUsageCsd), 'CSD: basicConstraints + keyUsage');
  t.notOk(csd.includes(eku));
  const cert = parseCertificate(Buffer.from(csd, 'hex'));
  t.equal(cert.kind, 'CSD');
});

t.test('subject layout, persona moral', async (t) => {
  const m = mintEfirma({ persona: 'MORAL', kind: 'CSD', organizationalUnit: 'PLANTEL NORTE' });
  t.equal(m.persona, 'MORAL');
  t.match(m.rfc, /^[A-Z]{3}\d{6}[A-Z\d]{3}$/);
  t.match(m.representativeRfc, /^[A-Z]{4}\d{6}[A-Z\d]{3}$/);
  t.match(m.curp, CURP);
  const subject = new X509Certificate(m.cerDer).subject.split('\n');
  t.strictSame(
    subject.map((line) => line.slice(0, line.indexOf('='))),
    ['CN', 'name', 'O', 'x500UniqueIdentifier', 'serialNumber', 'OU'],
  );
  t.equal(subject[3], `x500UniqueIdentifier=${m.rfc} / ${m.representativeRfc}`);
  t.equal(subject[4], `serialNumber=\\ / ${m.curp}`);
  t.equal(subject[5], 'OU=PLANTEL NORTE');
});

t.test('options are honoured and validated', async (t) => {
  const m = mintEfirma({
    number: '30001000000900000042',
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2021-01-01T00:00:00Z'),
    password: 'otra',
  });
  const cert = parseCertificate(m.cerDer);
  t.equal(cert.number, '30001000000900000042');
  t.equal(cert.validTo.toISOString(), '2021-01-01T00:00:00.000Z');
  t.ok(openPrivateKey(m.keyDer, 'otra'));
  t.throws(() => mintEfirma({ number: '123' }), RangeError);
});
