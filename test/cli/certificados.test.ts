import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { EXIT } from '../../src/cli/cli-error.js';
import { cadenaOriginal } from '../../src/domain/certificados/cadena.js';
import { checkDec } from '../../src/domain/certificados/check-dec.js';
import { readDec } from '../../src/domain/certificados/model.js';
import { checkStructure } from '../../src/domain/certificados/structure.js';
import { errorsOf } from '../../src/domain/checks.js';
import { parseSafeXml } from '../../src/intake/xml.js';
import type { XmlElement } from '../../src/intake/xml-tree.js';
import { buildTestApp } from '../support/app.js';
import { decContext, decElement, decValues, decXml, defaultPlan, fixtureCadena } from '../support/dec-fixture.js';
import { decFor, seedMecInstitution } from '../support/mec-scenario.js';
import { mintEfirma } from '../support/pki.js';
import { cli } from './setup.js';

const dir = mkdtempSync(join(tmpdir(), 'metmec-cli-mec-'));
const TODAY = '2026-06-16';

function parse(file: string): XmlElement {
  const parsed = parseSafeXml(readFileSync(file));
  if (!parsed.ok) throw new Error(`${file} does not parse`);
  return parsed.root;
}

t.test('cadena, sign and verify work offline on a DEC and a real e.firma', async (t) => {
  const signer = mintEfirma();
  writeFileSync(join(dir, 'responsable.cer'), signer.cerDer);
  writeFileSync(join(dir, 'responsable.key'), signer.keyDer);
  const unsignedValues = decValues(defaultPlan(), {
    credential: signer,
    today: TODAY,
    edit: (v) => Object.assign(v.root, { certificadoResponsable: undefined, noCertificadoResponsable: undefined }),
  });
  const unsigned = join(dir, 'unsigned.xml');
  writeFileSync(unsigned, decXml(decElement(unsignedValues)));

  const cadena = await cli('cadena', unsigned);
  t.equal(cadena.code, EXIT.OK, cadena.out);
  const root = parse(unsigned);
  t.equal(cadena.out, cadenaOriginal(readDec(checkStructure(root, [])!)), "the domain's cadena");
  t.equal(cadena.out, fixtureCadena(root), 'and the one the test fixture builds on its own');

  const notSigned = await cli('verify', unsigned, '--date', TODAY);
  t.equal(notSigned.code, EXIT.PROBLEMS);
  t.match(notSigned.out, /ERROR DEC-ATTR-REQUIRED at Dec\/@sello/);

  const other = mintEfirma();
  writeFileSync(join(dir, 'other.cer'), other.cerDer);
  writeFileSync(join(dir, 'other.key'), other.keyDer);
  const wrongSigner = await cli('sign', unsigned, '--cer', join(dir, 'other.cer'), '--key', join(dir, 'other.key'), '--password', other.password, '--out', join(dir, 'x.xml'));
  t.equal(wrongSigner.code, EXIT.USAGE);
  t.match(wrongSigner.out, `Responsable/@curp is ${signer.curp} but the certificate's CURP is ${other.curp}`);

  const signed = join(dir, 'signed.xml');
  const sign = await cli('sign', unsigned, '--cer', join(dir, 'responsable.cer'), '--key', join(dir, 'responsable.key'), '--password', signer.password, '--out', signed);
  t.equal(sign.code, EXIT.OK, sign.out);
  t.match(sign.out, `Dec signed by ${signer.name} (certificado ${signer.number})`);
  t.same(errorsOf(checkDec(parse(signed), decContext({ today: TODAY, credential: signer })).checks), [], 'the signed DEC passes every check, registry included');

  const verify = await cli('verify', signed, '--date', TODAY);
  t.equal(verify.code, EXIT.OK, verify.out);
  t.match(verify.out, /OK \(\d+ checks\)/);
  t.match(verify.out, /registry checks .* run on upload/);
  const verbose = await cli('verify', signed, '--date', TODAY, '--verbose');
  t.match(verbose.out, /SKIPPED DEC-PLAN at Carrera\/@clavePlan: Not checked offline/);
  t.match(verbose.out, /OK DEC-FIRMA-SELLO/);

  writeFileSync(join(dir, 'grade.xml'), readFileSync(signed, 'utf8').replace('calificacion="9.00"', 'calificacion="4.00"'));
  const grade = await cli('verify', join(dir, 'grade.xml'), '--date', TODAY);
  t.equal(grade.code, EXIT.PROBLEMS);
  t.match(grade.out, /ERROR DEC-CALIFICACION-RANGO at Asignatura\[1\]\/@calificacion: .*\n {4}expected: "5 to 10"\n {4}found: +"4\.00"/);
  t.match(grade.out, /ERROR DEC-FIRMA-SELLO at Dec\/@sello[^]*cadena: +\|\|3\.0\|.*\|315\|2019-1\|4\.00\|/);

  const late = await cli('verify', signed, '--date', '2026-12-31');
  t.equal(late.code, EXIT.PROBLEMS, 'the expedition date is measured against --date');
  t.match(late.out, /ERROR DEC-EXPEDICION-FECHA/);

  const titleOnly = await cli('verify', signed, '--signer', join(dir, 'other.cer'));
  t.equal(titleOnly.code, EXIT.USAGE);
  t.match(titleOnly.out, /--signer only applies to títulos/);
  const badDate = await cli('verify', signed, '--date', '2026-02-30');
  t.equal(badDate.code, EXIT.USAGE);
  t.match(badDate.out, /--date must be a calendar date/);
});

t.test('folio, upload, fix and re-upload, download and cancel against a running service', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const inst = await seedMecInstitution(testApp);
  const url = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const as = ['--url', url, '--usuario', inst.usuario, '--password', inst.password];

  const opened = await cli('folio', 'new', '2', ...as);
  t.equal(opened.code, EXIT.OK, opened.out);
  t.match(opened.out, /^folio P\d+ \(qa\): active — 2 certificado\(s\), 0 authenticated, 2 pending\n {2}línea de captura: none/);
  const folio = /^folio (\S+)/.exec(opened.out)?.[1] ?? '';

  const lote = join(dir, 'lote');
  mkdirSync(lote);
  writeFileSync(join(lote, 'a.xml'), decFor(testApp, inst, 'CLI-DEC-A'));
  writeFileSync(join(lote, 'b.xml'), decFor(testApp, inst, 'CLI-DEC-B', (v) => (v.subjects[0]!['calificacion'] = '9.5')));
  const zip = join(dir, 'lote.zip');
  t.equal((await cli('pack', lote, '--out', zip)).code, EXIT.OK);

  const first = await cli('mec-upload', folio, zip, '--wait', ...as);
  t.equal(first.code, EXIT.PROBLEMS, 'one certificado was rejected');
  t.match(first.out, `folio ${folio}: attempt 1, 2 left`);
  t.match(first.out, /1 registered, 1 rejected of 2/);
  t.match(first.out, /\[1\] a\.xml \(CLI-DEC-A\) — SATISFACTORIO/);
  t.match(first.out, /ERROR DEC-GRADE-FORMAT at Asignatura\[1\]\/@calificacion[^]*found: +"9\.5"/);
  const folioDigitalA = /([0-9a-f-]{36}) {2}CLI-DEC-A/.exec(first.out)?.[1] ?? '';
  t.ok(folioDigitalA, 'the folioDigital of the SATISFACTORIO certificado is printed');
  const numeroLote = /numeroLote (\d+)/.exec(first.out)?.[1] ?? '';

  const wrongCount = await cli('mec-upload', folio, zip, ...as);
  t.equal(wrongCount.code, EXIT.PROBLEMS, 'a refused upload is a problem with what was sent');
  t.match(wrongCount.out, /409 REFUSED .*expects exactly 1 certificate\(s\)/);

  writeFileSync(join(dir, 'b.xml'), decFor(testApp, inst, 'CLI-DEC-B'));
  const fixed = await cli('mec-upload', folio, join(dir, 'b.xml'), '--wait', ...as);
  t.equal(fixed.code, EXIT.OK, fixed.out);
  t.match(fixed.out, /\[1\] b\.xml \(CLI-DEC-B\) — SATISFACTORIO/);
  t.match(fixed.out, /[0-9a-f-]{36} {2}CLI-DEC-B/);

  const status = await cli('folio', 'status', folio, ...as);
  t.equal(status.code, EXIT.OK);
  t.match(status.out, /complete — 2 certificado\(s\), 2 authenticated, 0 pending/);
  t.match(status.out, /attempts: 2 used, 1 left \(of 3\)/);
  t.match(status.out, /\[1\] numeroLote \d+ lote\.zip: processed — 1 SATISFACTORIO, 1 rejected of 2\n {2}\[2\] numeroLote \d+ b\.xml: processed — 1 SATISFACTORIO/);
  const loteStatus = await cli('mec-status', numeroLote, ...as);
  t.equal(loteStatus.code, EXIT.PROBLEMS);
  t.match(loteStatus.out, /DEC-GRADE-FORMAT/);

  const pdf = join(dir, 'a.pdf');
  const downloadPdf = await cli('certificado', folioDigitalA, '--out', pdf, ...as);
  t.equal(downloadPdf.code, EXIT.OK, downloadPdf.out);
  t.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const xml = join(dir, 'b-sellado.xml');
  const downloadXml = await cli('certificado', '--folio-control', 'CLI-DEC-B', '--out', xml, ...as);
  t.equal(downloadXml.code, EXIT.OK, downloadXml.out);
  const sealed = readFileSync(xml, 'utf8');
  t.match(sealed, /folioControl="CLI-DEC-B"/);
  t.match(sealed, /<SepIpes [^>]*folioDigital="[0-9a-f-]{36}"/);
  const unknown = await cli('certificado', '--folio-control', 'NO-SUCH', '--out', xml, ...as);
  t.equal(unknown.code, EXIT.FAILURE);
  t.match(unknown.out, /no certificado with folioControl NO-SUCH/);

  const cancel = await cli('mec-cancel', '--folio-control', 'CLI-DEC-A', '--motivo', 'error en calificaciones', ...as);
  t.equal(cancel.code, EXIT.OK, cancel.out);
  t.match(cancel.out, /cancellation requested at \S+; it takes effect at \S+/);
  t.match(cancel.out, `${folioDigitalA}  CLI-DEC-A: cancelacion-pendiente`);
  const again = await cli('mec-cancel', '--folio-digital', folioDigitalA, ...as);
  t.equal(again.code, EXIT.PROBLEMS, 'a second cancellation is refused');
  t.match(again.out, /already pending/);
});

t.test('usage errors exit 2 with a helpful message', async (t) => {
  const uuid = '3f2c1a9e-0b7d-4c1e-9a55-6d2f0e8b1c47';
  const cases: Array<[string[], RegExp]> = [
    [['folio'], /folio needs new, pay or status/],
    [['folio', 'new'], /folio new needs the number of certificados/],
    [['folio', 'new', '0'], /a whole number from 1; found "0"/],
    [['folio', 'new', '2', '3'], /folio new takes the number of certificados; unexpected "3"/],
    [['folio', 'pay', 'F1000001'], /--metodo linea-de-captura or --metodo tarjeta; found null/],
    [['folio', 'pay', 'F1000001', '--metodo', 'efectivo'], /found "efectivo"/],
    [['mec-upload', 'P1000001'], /mec-upload needs a zip or XML file/],
    [['mec-status', 'uno'], /numeroLote must be a number/],
    [['certificado', '--out', 'x.pdf'], /certificado needs a folioDigital \(or --folio-control X\)/],
    [['certificado', 'DEMO-DEC-0001', '--out', 'x.pdf'], /a folioDigital is a UUID/],
    [['certificado', uuid], /certificado needs --out FILE\.xml or --out FILE\.pdf/],
    [['certificado', uuid, '--out', 'x.txt'], /--out must name a \.xml or \.pdf file/],
    [['certificado', uuid, '--folio-control', 'X', '--out', 'x.pdf'], /certificado takes no operand/],
    [['mec-cancel'], /mec-cancel needs exactly one of --folio-digital, --folio-control or --folio; found 0/],
    [['mec-cancel', '--folio', 'P1', '--folio-control', 'X'], /found 2/],
    [['mec-cancel', '--folio-digital', 'abc'], /a folioDigital is a UUID/],
    [['plan', 'import', 'plan.json'], /plan import needs --cve-institucion/],
    [['plan', 'list'], /plan has one subcommand, import; found "list"/],
    [['cadena', 'a.xml', 'b.xml'], /cadena takes an XML file; unexpected "b\.xml"/],
  ];
  for (const [argv, message] of cases) {
    const run = await cli(...argv, '--url', 'http://127.0.0.1:9');
    t.equal(run.code, EXIT.USAGE, argv.join(' '));
    t.match(run.out, message, argv.join(' '));
  }
  t.match((await cli('--help')).out, /metmec mec-upload FOLIO FILE/);
});
