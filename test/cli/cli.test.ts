import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { EXIT } from '../../src/cli/cli-error.js';
import { ADMIN_TOKEN, buildTestApp } from '../support/app.js';
import { seedInstitution, tituloFor } from '../support/met-scenario.js';
import { mintEfirma } from '../support/pki.js';
import { buildTitulo, removeAttribute, tituloXml } from '../support/titulo-fixture.js';
import { cli } from './setup.js';

const dir = mkdtempSync(join(tmpdir(), 'metmec-cli-'));

t.test('cadena, sign and verify work offline on a real título and key', async (t) => {
  const signer = mintEfirma();
  const built = buildTitulo({ today: '2026-06-30', signers: [signer] });
  const unsigned = ['sello', 'certificadoResponsable', 'noCertificadoResponsable'].reduce((root, name) => removeAttribute(root, 'FirmaResponsable', name), built.root);
  const file = join(dir, 'unsigned.xml');
  writeFileSync(file, tituloXml(unsigned));
  writeFileSync(join(dir, 'signer.cer'), signer.cerDer);
  writeFileSync(join(dir, 'signer.key'), signer.keyDer);

  const cadena = await cli('cadena', file);
  t.equal(cadena.code, EXIT.OK);
  t.match(cadena.out, new RegExp(`^\\|\\|1\\.0\\|FC-000001\\|${signer.curp}\\|3\\|RECTOR\\|DR\\.\\|090001\\|`));
  t.ok(cadena.out.endsWith('|||'), 'empty noCedula slot kept');

  const unsignedVerify = await cli('verify', file);
  t.equal(unsignedVerify.code, EXIT.PROBLEMS, 'an unsigned título does not verify');

  const wrongPassword = await cli('sign', file, '--cer', join(dir, 'signer.cer'), '--key', join(dir, 'signer.key'), '--password', 'nope', '--out', join(dir, 'x.xml'));
  t.equal(wrongPassword.code, EXIT.USAGE);
  t.match(wrongPassword.out, /password/i);

  const signedFile = join(dir, 'signed.xml');
  const sign = await cli('sign', file, '--cer', join(dir, 'signer.cer'), '--key', join(dir, 'signer.key'), '--password', signer.password, '--out', signedFile);
  t.equal(sign.code, EXIT.OK, sign.out);
  const verify = await cli('verify', signedFile);
  t.equal(verify.code, EXIT.OK, verify.out);
  t.match(verify.out, /OK \(\d+ checks\)/);

  writeFileSync(join(dir, 'edited.xml'), readFileSync(signedFile, 'utf8').replace('nombre="JUAN"', 'nombre="JUANA"'));
  const edited = await cli('verify', join(dir, 'edited.xml'));
  t.equal(edited.code, EXIT.PROBLEMS);
  t.match(edited.out, /FIRMA-SELLO/);
  t.match(edited.out, /cadena: +\|\|1\.0\|.*\|JUANA\|/);

  const other = mintEfirma();
  writeFileSync(join(dir, 'other.cer'), other.cerDer);
  const notRegistered = await cli('verify', signedFile, '--signer', join(dir, 'other.cer'));
  t.equal(notRegistered.code, EXIT.PROBLEMS);
  t.match(notRegistered.out, /FIRMA-CERT-REGISTRADO/);
});

t.test('pack, upload, status, download and seed against a running service', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const inst = await seedInstitution(testApp);
  const url = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const as = ['--url', url, '--usuario', inst.usuario, '--password', inst.password];

  const lote = join(dir, 'lote');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(lote);
  writeFileSync(join(lote, 'uno.xml'), tituloFor(testApp, inst, 'CLI-1'));
  writeFileSync(join(lote, 'dos.xml'), tituloFor(testApp, inst, 'CLI-2', (v) => (v.expedicion['idEntidadFederativa'] = '9')));
  writeFileSync(join(lote, 'notas.txt'), 'ignored');
  const zip = join(dir, 'lote.zip');
  const pack = await cli('pack', lote, '--out', zip);
  t.equal(pack.code, EXIT.OK);
  t.match(pack.out, /2 XML file\(s\)/);

  const upload = await cli('upload', zip, '--wait', ...as);
  t.equal(upload.code, EXIT.PROBLEMS, 'one file was rejected');
  t.match(upload.out, /1 registered, 1 rejected of 2/);
  t.match(upload.out, /Identificador de entidad federativa no válido en el nodo Expedicion: 9/);
  const numeroLote = /numeroLote (\d+)/.exec(upload.out)?.[1] ?? '';

  const status = await cli('status', numeroLote, ...as);
  t.match(status.out, /processed/);
  const out = join(dir, 'resultado.zip');
  const download = await cli('download', numeroLote, '--out', out, ...as);
  t.equal(download.code, EXIT.PROBLEMS);
  t.match(download.out, /ARCHIVO \| ESTATUS \| DESCRIPCION \| FOLIO CONTROL/);
  t.match(download.out, /dos\.xml \| 2 \| Identificador de entidad federativa/);

  const badLogin = await cli('status', numeroLote, '--url', url, '--usuario', inst.usuario, '--password', 'wrong-one');
  t.equal(badLogin.code, EXIT.USAGE);
  const notNumber = await cli('status', 'abc', ...as);
  t.equal(notNumber.code, EXIT.USAGE);

  const fiel = mintEfirma();
  writeFileSync(join(dir, 'nuevo.cer'), fiel.cerDer);
  const seedFile = join(dir, 'seed.json');
  writeFileSync(
    seedFile,
    JSON.stringify({ institutions: [{ cveInstitucion: '200001', nombre: 'SEMILLA CLI', users: [{ usuario: 'cli.qa', password: 'cli-password', environment: 'qa' }], signers: [{ cer: 'nuevo.cer', idCargo: 1, cargo: 'DIRECTOR' }] }] }),
  );
  const seed = await cli('seed', seedFile, '--url', url, '--token', ADMIN_TOKEN);
  t.equal(seed.code, EXIT.OK, seed.out);
  t.match(seed.out, /1 institutions, 1 users, 1 signers/);

  const down = await cli('status', '1', '--url', 'http://127.0.0.1:9', ...as.slice(2));
  t.equal(down.code, EXIT.FAILURE);
  t.match(down.out, /cannot reach metmec/);
});

t.test('usage errors exit 2 with the usage text', async (t) => {
  t.equal((await cli('frobnicate')).code, EXIT.USAGE);
  t.equal((await cli('sign', 'x.xml')).code, EXIT.USAGE);
  t.equal((await cli('cadena', join(dir, 'missing.xml'))).code, EXIT.USAGE);
  t.match((await cli('--help')).out, /metmec cadena FILE/);
});
