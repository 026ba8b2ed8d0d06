import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { signCadena, verifySello } from '../../../src/domain/efirma/sello.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { mintEfirma } from '../../support/pki.js';

const signer = mintEfirma();
const other = mintEfirma();
const publicKey = parseCertificate(signer.cerDer).publicKey;
const cadena = '||1.0|3|MUOC810214HCHRCR00|Director|ROSA MARÍA GARCÍA LÓPEZ|ÑANDÚ|2024-06-15T10:00:00||';

t.test('sign/verify round trip', async (t) => {
  const sello = signCadena(cadena, signer.privateKey);
  t.equal(sello.length, 344, '2048-bit key: 256 bytes, 344 base64 characters');
  t.match(sello, /^[A-Za-z0-9+/]+={0,2}$/);
  t.equal(verifySello(cadena, sello, publicKey), true);
  t.equal(signCadena(cadena, signer.privateKey), sello, 'PKCS#1 v1.5 is deterministic');
});

t.test('any change fails', async (t) => {
  const sello = signCadena(cadena, signer.privateKey);
  t.equal(verifySello(cadena.replace('Director', 'Directos'), sello, publicKey), false, 'one character of the cadena');
  t.equal(verifySello(cadena.replace('Ñ', 'N'), sello, publicKey), false, 'Ñ vs N');
  t.equal(verifySello(cadena + ' ', sello, publicKey), false, 'trailing space');
  const flipped = (sello[10] === 'A' ? 'B' : 'A');
  t.equal(verifySello(cadena, sello.slice(0, 10) + flipped + sello.slice(11), publicKey), false, 'one sello character');
  t.equal(verifySello(cadena, sello, parseCertificate(other.cerDer).publicKey), false, 'another certificate');
});

t.test('the cadena is signed as UTF-8', async (t) => {
  const sello = signCadena('Ñ', signer.privateKey);
  t.ok(verifySello('Ñ', sello, publicKey));
  t.notOk(verifySello(Buffer.from('Ñ', 'utf8').toString('latin1'), sello, publicKey), 'not as Latin-1 text');
});

t.test('malformed sellos are false, never a throw', async (t) => {
  const sello = signCadena(cadena, signer.privateKey);
  const bad: Array<[string, string]> = [
    ['empty', ''],
    ['short', sello.slice(0, 340)],
    ['long', sello + 'AAAA'],
    ['invalid character', sello.slice(0, 100) + '*' + sello.slice(101)],
    ['whitespace inside', sello.slice(0, 100) + ' ' + sello.slice(101)],
    ['newline', sello.slice(0, 76) + '\n' + sello.slice(77)],
    ['url-safe alphabet', '-' + sello.slice(1, 100) + '_' + sello.slice(101)],
    ['padding in the middle', sello.slice(0, 100) + '=' + sello.slice(101)],
    ['padding replaced: 258 bytes', sello.replace(/==$/, 'AA')],
    ['not base64 at all', '¿'.repeat(344)],
  ];
  for (const [label, value] of bad) {
    t.equal(verifySello(cadena, value, publicKey), false, label);
  }
});

t.test('key types other than an RSA public key are refused', async (t) => {
  const sello = signCadena(cadena, signer.privateKey);
  t.equal(verifySello(cadena, sello, signer.privateKey), false, 'a private key');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  t.equal(verifySello(cadena, sello, ec.publicKey), false, 'an EC key');
  t.throws(() => signCadena(cadena, ec.privateKey), TypeError);
  t.throws(() => signCadena(cadena, publicKey), TypeError);
});

t.test('a 1024-bit key gives a 172-character sello', async (t) => {
  const small = mintEfirma({ keyBits: 1024 });
  const sello = signCadena(cadena, small.privateKey);
  t.equal(sello.length, 172);
  t.ok(verifySello(cadena, sello, parseCertificate(small.cerDer).publicKey));
  t.notOk(verifySello(cadena, sello, publicKey), '2048-bit key: wrong length');
});
