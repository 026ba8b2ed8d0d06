import t from 'tap';
import { createPrivateKey } from 'node:crypto';
import {
  openPrivateKey,
  PrivateKeyError,
  privateKeyMatchesCertificate,
} from '../../../src/domain/efirma/private-key.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { signCadena, verifySello } from '../../../src/domain/efirma/sello.js';
import { mintEfirma } from '../../support/pki.js';

const minted = mintEfirma({ password: 'contraseña segura 1' });
const cert = parseCertificate(minted.cerDer);
const otherCert = parseCertificate(mintEfirma().cerDer);

t.test('the right password opens the .key and it pairs with its certificate', async (t) => {
  const key = openPrivateKey(minted.keyDer, 'contraseña segura 1');
  t.equal(key.type, 'private');
  t.equal(key.asymmetricKeyType, 'rsa');
  t.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
  t.equal(privateKeyMatchesCertificate(key, cert), true);
  t.equal(privateKeyMatchesCertificate(key, otherCert), false);
  t.ok(verifySello('||a|b||', signCadena('||a|b||', key), cert.publicKey));
});

t.test('the minted .key is encrypted PKCS#8 DER with PBES2', async (t) => {
  // SEQUENCE { SEQUENCE { OID 1.2.840.113549.1.5.13 (PBES2) ...
  const pbes2 = Buffer.from('06092a864886f70d01050d', 'hex');
  t.equal(minted.keyDer[0], 0x30);
  t.ok(minted.keyDer.subarray(0, 20).includes(pbes2), 'PBES2 OID near the start');
  t.throws(() => createPrivateKey({ key: minted.keyDer, format: 'der', type: 'pkcs8' }), 'needs a passphrase');
});

t.test('wrong, empty or missing password and corrupt keys throw PrivateKeyError', async (t) => {
  const expectation = { name: 'PrivateKeyError', message: /wrong password or corrupt key/ };
  t.throws(() => openPrivateKey(minted.keyDer, '12345678a'), expectation, 'wrong password');
  t.throws(() => openPrivateKey(minted.keyDer, ''), expectation, 'empty password');
  t.throws(() => openPrivateKey(minted.keyDer, 'contraseña segura 1 '), expectation, 'one extra character');
  t.throws(() => openPrivateKey(minted.keyDer.subarray(0, 200), 'contraseña segura 1'), expectation, 'truncated');
  t.throws(() => openPrivateKey(new Uint8Array(0), 'x'), expectation, 'empty file');
  t.throws(() => openPrivateKey(Buffer.from('not a key'), 'x'), expectation, 'text');
  try {
    openPrivateKey(minted.keyDer, 'wrong');
    t.fail('should have thrown');
  } catch (error) {
    t.type(error, PrivateKeyError);
    t.ok((error as Error).cause, 'keeps the underlying error as cause');
  }
});

t.test('PEM keys are accepted', async (t) => {
  const encryptedPem = minted.privateKey.export({
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: 'pem-pass',
  });
  const key = openPrivateKey(Buffer.from(encryptedPem), 'pem-pass');
  t.ok(privateKeyMatchesCertificate(key, cert));
  t.throws(() => openPrivateKey(Buffer.from(encryptedPem), 'nope'), PrivateKeyError);
});

t.test('matching needs a private key and a public key', async (t) => {
  t.equal(privateKeyMatchesCertificate(cert.publicKey, cert), false);
  t.equal(privateKeyMatchesCertificate(minted.privateKey, { publicKey: minted.privateKey }), false);
  t.equal(privateKeyMatchesCertificate(minted.privateKey, { publicKey: minted.publicKey }), true);
});
