import t from 'tap';
import { X509Certificate, createHash } from 'node:crypto';
import {
  CertificateParseError,
  MAX_CERTIFICATE_BYTES,
  parseCertificate,
  parseCertificateBase64,
} from '../../../src/domain/efirma/certificate.js';
import { mintEfirma, testCa } from '../../support/pki.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';

t.test('persona física FIEL', async (t) => {
  const minted = mintEfirma({
    name: 'KARLA FUENTE NOLASCO',
    rfc: 'FUNK671228PH6',
    curp: 'FUNK671228MCLNLR05',
    number: '30001000000400009999',
    email: 'karla@metmec.test',
    notBefore: new Date('2025-02-03T04:05:06Z'),
    notAfter: new Date('2029-02-03T04:05:06Z'),
  });
  const cert = parseCertificate(minted.cerDer);
  t.ok(cert.der.equals(minted.cerDer), 'der is the input');
  t.equal(cert.sha256, createHash('sha256').update(minted.cerDer).digest('hex'));
  t.match(cert.sha256, /^[0-9a-f]{64}$/);
  t.equal(cert.serialHex, '3330303031303030303030343030303039393939');
  t.equal(cert.number, '30001000000400009999');
  t.equal(cert.rfc, 'FUNK671228PH6');
  t.equal(cert.representativeRfc, null);
  t.equal(cert.curp, 'FUNK671228MCLNLR05');
  t.equal(cert.name, 'KARLA FUENTE NOLASCO');
  t.equal(cert.organizationalUnit, null);
  t.equal(cert.email, 'karla@metmec.test');
  t.equal(cert.kind, 'FIEL');
  t.equal(cert.persona, 'FISICA');
  t.equal(cert.keyType, 'rsa');
  t.equal(cert.keyBits, 2048);
  t.equal(cert.validFrom.toISOString(), '2025-02-03T04:05:06.000Z');
  t.equal(cert.validTo.toISOString(), '2029-02-03T04:05:06.000Z');
  t.match(cert.issuer, /^CN=AC DE PRUEBAS METMEC\nO=SERVICIO DE ADMINISTRACION TRIBUTARIA\nOU=SAT-IES Authority\n/);
  t.match(cert.issuer, /\nx500UniqueIdentifier=SAT970701NN3\n/);
  t.equal(
    cert.subject,
    'CN=KARLA FUENTE NOLASCO\nname=KARLA FUENTE NOLASCO\nO=KARLA FUENTE NOLASCO\nC=MX\n' +
      'emailAddress=karla@metmec.test\nx500UniqueIdentifier=FUNK671228PH6\nserialNumber=FUNK671228MCLNLR05',
  );
  t.strictSame([...cert.extendedKeyUsage].sort(), [CLIENT_AUTH, EMAIL_PROTECTION]);
  t.ok(
    cert.publicKey.export({ type: 'spki', format: 'der' }).equals(minted.publicKey.export({ type: 'spki', format: 'der' })),
    'public key is the minted one',
  );
  t.ok(cert.x509.checkIssued(new X509Certificate(testCa().cerDer)), 'issued by the test CA');
  t.ok(Object.isFrozen(cert));
});

t.test('persona física CSD', async (t) => {
  const minted = mintEfirma({ kind: 'CSD', organizationalUnit: 'SUCURSAL CENTRO' });
  const cert = parseCertificate(minted.cerDer);
  t.equal(cert.kind, 'CSD');
  t.equal(cert.persona, 'FISICA');
  t.equal(cert.organizationalUnit, 'SUCURSAL CENTRO');
  t.equal(cert.email, null);
  t.strictSame(cert.extendedKeyUsage, []);
  t.equal(cert.number, minted.number);
  t.equal(cert.rfc, minted.rfc);
  t.equal(cert.curp, minted.curp);
  t.equal(cert.name, minted.name);
  t.equal(cert.keyBits, 2048);
  t.equal(cert.validFrom.toISOString(), '2024-01-01T00:00:00.000Z');
  t.equal(cert.validTo.toISOString(), '2030-12-31T23:59:59.000Z');
});

t.test('persona moral FIEL', async (t) => {
  const minted = mintEfirma({
    persona: 'MORAL',
    name: 'ESCUELA KEMPER URGATE SA DE CV',
    rfc: 'EKU9003173C9',
    representativeRfc: 'VADA800927DJ3',
    curp: 'VADA800927HSRSRL05',
  });
  const cert = parseCertificate(minted.cerDer);
  t.equal(cert.kind, 'FIEL');
  t.equal(cert.persona, 'MORAL');
  t.equal(cert.rfc, 'EKU9003173C9');
  t.equal(cert.representativeRfc, 'VADA800927DJ3');
  t.equal(cert.curp, 'VADA800927HSRSRL05');
  t.equal(cert.name, 'ESCUELA KEMPER URGATE SA DE CV');
  t.match(cert.subject, /\nx500UniqueIdentifier=EKU9003173C9 \/ VADA800927DJ3\nserialNumber=\\ \/ VADA800927HSRSRL05$/);
  t.equal(cert.number, minted.number);
});

t.test('1024-bit key', async (t) => {
  const minted = mintEfirma({ keyBits: 1024 });
  const cert = parseCertificate(minted.cerDer);
  t.equal(cert.keyBits, 1024);
  t.equal(cert.keyType, 'rsa');
  t.equal(cert.kind, 'FIEL');
  t.equal(cert.number, minted.number);
});

t.test('a certificate that is not SAT-shaped still parses, with nulls', async (t) => {
  const ca = parseCertificate(testCa().cerDer);
  t.equal(ca.number, null, 'random serial');
  t.equal(ca.rfc, 'SAT970701NN3');
  t.equal(ca.curp, null);
  t.equal(ca.kind, 'OTHER', 'a CA, although it has an OU');
  t.equal(ca.persona, 'MORAL');
  t.equal(ca.name, 'AC DE PRUEBAS METMEC', 'no name attribute: CN');
});

t.test('PEM is accepted and normalised to DER', async (t) => {
  const minted = mintEfirma();
  const pem = new X509Certificate(minted.cerDer).toString();
  t.match(pem, /^-----BEGIN CERTIFICATE-----/);
  const cert = parseCertificate(Buffer.from(pem));
  t.ok(cert.der.equals(minted.cerDer));
  t.equal(cert.sha256, parseCertificate(minted.cerDer).sha256);
});

t.test('garbage throws CertificateParseError with a reason', async (t) => {
  const der = mintEfirma().cerDer;
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /empty input/],
    ['text', Buffer.from('hello, world'), /does not start with an ASN\.1 SEQUENCE/],
    ['truncated', der.subarray(0, der.length - 10), /not a certificate/],
    ['trailing bytes', Buffer.concat([der, Buffer.from([0, 0, 0])]), /3 trailing bytes/],
    ['a bare SEQUENCE', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), /not a certificate/],
    ['too large', Buffer.alloc(MAX_CERTIFICATE_BYTES + 1, 0x30), /more than the 65536 allowed/],
    ['bad PEM', Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /not a certificate/],
  ];
  for (const [label, bytes, reason] of cases) {
    t.throws(() => parseCertificate(bytes), { name: 'CertificateParseError', message: reason }, label);
    t.throws(() => parseCertificate(bytes), CertificateParseError, label);
  }
});

t.test('base64 input', async (t) => {
  const minted = mintEfirma();
  const b64 = minted.cerDer.toString('base64');
  t.equal(parseCertificateBase64(b64).number, minted.number);
  const wrapped = b64.replace(/.{76}/g, '$&\r\n');
  t.equal(parseCertificateBase64(wrapped).sha256, parseCertificateBase64(b64).sha256, 'line-wrapped base64');
  t.throws(() => parseCertificateBase64(b64.slice(0, 100) + '*' + b64.slice(101)), { message: /invalid base64/ });
  t.throws(() => parseCertificateBase64(b64.slice(0, -1)), { message: /invalid base64/ }, 'bad padding');
  t.throws(() => parseCertificateBase64(''), { message: /empty input/ });
  t.throws(() => parseCertificateBase64('A'.repeat(200_000)), { message: /too long/ });
});
