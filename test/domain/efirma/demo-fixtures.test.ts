/** The committed demo fixtures are what fixtures/README.md says they are. */
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { repoPath } from '../../../src/repo-path.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { openPrivateKey, privateKeyMatchesCertificate } from '../../../src/domain/efirma/private-key.js';
import { signCadena, verifySello } from '../../../src/domain/efirma/sello.js';
import { DEMO_CA_FILE, DEMO_PASSWORD, DEMO_SIGNERS } from '../../support/make-demo-fixtures.js';

const read = (name: string): Buffer => readFileSync(repoPath('fixtures', 'demo', name));
const ca = new X509Certificate(read(DEMO_CA_FILE));

t.test('the demo CA', async (t) => {
  t.ok(ca.ca);
  t.ok(ca.verify(ca.publicKey), 'self-signed');
  t.match(ca.subject, /^CN=AC DE PRUEBAS METMEC\nO=SERVICIO DE ADMINISTRACION TRIBUTARIA\n/);
});

for (const signer of DEMO_SIGNERS) {
  t.test(signer.file, async (t) => {
    const cert = parseCertificate(read(`${signer.file}.cer`));
    t.equal(cert.number, signer.options.number);
    t.equal(cert.rfc, signer.options.rfc);
    t.equal(cert.curp, signer.options.curp);
    t.equal(cert.name, signer.options.name);
    t.equal(cert.email, signer.options.email);
    t.equal(cert.kind, 'FIEL');
    t.equal(cert.persona, 'FISICA');
    t.equal(cert.keyBits, 2048);
    t.equal(cert.validFrom.toISOString(), '2025-01-01T00:00:00.000Z');
    t.equal(cert.validTo.toISOString(), '2030-12-31T23:59:59.000Z');
    t.ok(cert.x509.checkIssued(ca) && cert.x509.verify(ca.publicKey), 'issued by ac-pruebas.cer');
    const key = openPrivateKey(read(`${signer.file}.key`), DEMO_PASSWORD);
    t.ok(privateKeyMatchesCertificate(key, cert));
    t.ok(verifySello('||demo||', signCadena('||demo||', key), cert.publicKey));
  });
}

t.test('the two demo signers do not share a key', async (t) => {
  const [a, b] = DEMO_SIGNERS.map((s) => parseCertificate(read(`${s.file}.cer`)));
  t.ok(a && b);
  t.notOk(privateKeyMatchesCertificate(openPrivateKey(read(`${DEMO_SIGNERS[0]!.file}.key`), DEMO_PASSWORD), b!));
});

t.test('DEMO_PASSWORD is the documented one', async (t) => {
  t.equal(DEMO_PASSWORD, '12345678a');
});
