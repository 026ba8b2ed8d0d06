/**
 * Conformance against SAT's own published test certificates, read in place from the shared
 * reference folder next to the repository (never copied into the project).
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedReference } from '../../support/shared-reference.js';
import { parseCertificate } from '../../../src/domain/efirma/certificate.js';
import { openPrivateKey, privateKeyMatchesCertificate } from '../../../src/domain/efirma/private-key.js';
import { signCadena, verifySello } from '../../../src/domain/efirma/sello.js';

const folder = sharedReference('sat-test-certificates');

interface Expected {
  file: string;
  number: string;
  kind: 'FIEL' | 'CSD';
  persona: 'FISICA' | 'MORAL';
  rfc: string;
  representativeRfc: string | null;
  curp: string;
  name: string;
  validTo: string;
}

const expected: Expected[] = [
  {
    file: 'funk671228ph6',
    number: '30001000000400002302',
    kind: 'FIEL',
    persona: 'FISICA',
    rfc: 'FUNK671228PH6',
    representativeRfc: null,
    curp: 'FUNK671228MCLNLR05',
    name: 'KARLA FUENTE NOLASCO',
    validTo: '2023-05-27',
  },
  {
    file: 'funk671228ph6_csd',
    number: '30001000000400002321',
    kind: 'CSD',
    persona: 'FISICA',
    rfc: 'FUNK671228PH6',
    representativeRfc: null,
    curp: 'FUNK671228MCLNLR05',
    name: 'KARLA FUENTE NOLASCO',
    validTo: '2023-05-29',
  },
  {
    file: 'ianl750210963',
    number: '30001000000400002431',
    kind: 'FIEL',
    persona: 'FISICA',
    rfc: 'IAÑL750210963',
    representativeRfc: null,
    curp: 'IANL750210HSRNZS09',
    name: 'LUIS IAN ÑUZCO',
    validTo: '2023-06-13',
  },
  {
    file: 'ianl750210963_csd',
    number: '30001000000400002449',
    kind: 'CSD',
    persona: 'FISICA',
    rfc: 'IAÑL750210963',
    representativeRfc: null,
    curp: 'IANL750210HSRNZS09',
    name: 'LUIS IAN ÑUZCO',
    validTo: '2023-06-17',
  },
  {
    file: 'eku9003173c9_fiel',
    number: '30001000000500003415',
    kind: 'FIEL',
    persona: 'MORAL',
    rfc: 'EKU9003173C9',
    representativeRfc: 'VADA800927DJ3',
    curp: 'VADA800927HSRSRL05',
    name: 'ESCUELA KEMPER URGATE SA DE CV',
    validTo: '2027-05-17',
  },
];

if (!existsSync(folder)) {
  t.plan(0, `SAT test certificates not found at ${folder}`);
} else {
  for (const e of expected) {
    t.test(e.file, async (t) => {
      const cert = parseCertificate(readFileSync(join(folder, `${e.file}.cer`)));
      t.equal(cert.number, e.number, 'número de certificado');
      t.equal(cert.kind, e.kind);
      t.equal(cert.persona, e.persona);
      t.equal(cert.rfc, e.rfc);
      t.equal(cert.representativeRfc, e.representativeRfc);
      t.equal(cert.curp, e.curp);
      t.equal(cert.name, e.name);
      t.equal(cert.keyType, 'rsa');
      t.equal(cert.keyBits, 2048);
      t.equal(cert.validTo.toISOString().slice(0, 10), e.validTo);
      t.match(cert.issuer, /^CN=AC UAT\n/);

      const password = readFileSync(join(folder, `${e.file}.txt`), 'utf8').trim();
      const key = openPrivateKey(readFileSync(join(folder, `${e.file}.key`)), password);
      t.ok(privateKeyMatchesCertificate(key, cert), '.key pairs with .cer');
      t.ok(verifySello('||conformance||', signCadena('||conformance||', key), cert.publicKey), 'sign/verify');
    });
  }

  t.test('the CSD and FIEL of one person are told apart and do not share keys', async (t) => {
    const fiel = parseCertificate(readFileSync(join(folder, 'funk671228ph6.cer')));
    const csdKey = openPrivateKey(
      readFileSync(join(folder, 'funk671228ph6_csd.key')),
      readFileSync(join(folder, 'funk671228ph6_csd.txt'), 'utf8').trim(),
    );
    t.equal(privateKeyMatchesCertificate(csdKey, fiel), false);
  });
}
