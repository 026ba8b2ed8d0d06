import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import t from 'tap';
import { EXIT } from '../../src/cli/cli-error.js';
import { AdjustableClock } from '../../src/clock.js';
import { demoSeed, readDemo } from '../../src/registry/demo.js';
import { ADMIN_TOKEN, buildTestApp } from '../support/app.js';
import { DEMO_DEC_FILE, DEMO_FOLIO_CONTROL, DEMO_PLAN_FILE, demoCertificadoXml, demoPlanJson } from '../support/make-demo-mec-fixtures.js';
import { cli } from './setup.js';

const demo = readDemo();
const demoFile = (name: string) => resolve(demo.baseDir, name);
const dir = mkdtempSync(join(tmpdir(), 'metmec-cli-demo-'));

t.test('the committed demo MEC fixtures are what the generator writes', async (t) => {
  t.equal(readFileSync(demoFile(DEMO_PLAN_FILE), 'utf8'), demoPlanJson());
  t.equal(readFileSync(demoFile(DEMO_DEC_FILE), 'utf8'), demoCertificadoXml());
});

t.test('walk-through with the demo files: import the plan, sign, verify, upload, fix and re-upload', async (t) => {
  // The DEC is issued 2026-11-20: the service clock must read 1 to 90 days later.
  const clock = new AdjustableClock();
  clock.set(new Date('2026-11-23T18:00:00Z'));
  const testApp = await buildTestApp({}, clock);
  t.teardown(testApp.close);
  // What `npm start` seeds: the demo institution, registered for the MEC from demo.json's "mec" block.
  await testApp.app.services.applySeed(demoSeed());
  const inst = { cveInstitucion: demo.cveInstitucion };
  const url = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const as = ['--url', url];

  const wrongInstitution = join(dir, 'plan-otra.json');
  writeFileSync(wrongInstitution, readFileSync(demoFile(DEMO_PLAN_FILE), 'utf8').replaceAll('"ID_INSTITUCION": "20585"', '"ID_INSTITUCION": "20001"'));
  const refused = await cli('plan', 'import', wrongInstitution, '--cve-institucion', inst.cveInstitucion, '--url', url, '--token', ADMIN_TOKEN);
  t.equal(refused.code, EXIT.PROBLEMS);
  t.match(refused.out, /nothing was imported/);
  t.match(refused.out, /PLAN-INSTITUTION at CARRERAS row 2 ID_INSTITUCION: .*found "20001"/);
  const imported = await cli('plan', 'import', demoFile(DEMO_PLAN_FILE), '--cve-institucion', inst.cveInstitucion, '--url', url, '--token', ADMIN_TOKEN);
  t.equal(imported.code, EXIT.OK, imported.out);
  t.match(imported.out, /0 plan\(s\) added, 0 replaced, 1 unchanged \(1 carrera\(s\), 10 asignatura\(s\)\)/, 'the demo seed imported it already');

  const signed = join(dir, 'certificado.xml');
  const key = ['--cer', demoFile(demo.signer.cer), '--key', demoFile(demo.signer.key), '--password', demo.signer.keyPassword];
  t.equal((await cli('sign', demoFile(DEMO_DEC_FILE), ...key, '--out', signed)).code, EXIT.OK);
  const verify = await cli('verify', signed, '--date', '2026-11-23');
  t.equal(verify.code, EXIT.OK, verify.out);

  const opened = await cli('folio', 'new', '1', ...as);
  const folio = /^folio (\S+)/.exec(opened.out)?.[1] ?? '';
  const edited = join(dir, 'editado.xml');
  writeFileSync(edited, readFileSync(signed, 'utf8').replace('calificacion="6.75"', 'calificacion="9.75"'));
  const rejected = await cli('mec-upload', folio, edited, '--wait', ...as);
  t.equal(rejected.code, EXIT.PROBLEMS);
  t.match(rejected.out, /ERROR DEC-PROMEDIO/);
  t.match(rejected.out, /ERROR DEC-FIRMA-SELLO/);
  const accepted = await cli('mec-upload', folio, signed, '--wait', ...as);
  t.equal(accepted.code, EXIT.OK, accepted.out);
  t.match(accepted.out, `(${DEMO_FOLIO_CONTROL}) — SATISFACTORIO`);
});
