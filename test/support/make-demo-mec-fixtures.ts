/**
 * Writes the demo certificados (MEC) fixtures into fixtures/demo/ (see fixtures/README.md):
 *
 *   plan-demo.json         the demo institution's study plan, as the JSON layout (docs/plan-layout.md):
 *                          defaultPlan() of dec-fixture for MEC id 20585, campus 150840
 *   certificado-demo.xml   an unsigned DEC 3.0 for that plan (folioControl DEMO-DEC-0001, issued
 *                          2026-11-20), whose Responsable is the demo signer of demo.json
 *
 * Deterministic: the same files on every run, whatever the demo keys (the DEC carries the signer's
 * name and CURP, read from responsable.cer, but no certificate until `metmec sign` adds it).
 *
 *   npm run build && node dist/test/support/make-demo-mec-fixtures.js [outDir]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCertificate } from '../../src/domain/efirma/certificate.js';
import { readDemo } from '../../src/registry/demo.js';
import { repoPath } from '../../src/repo-path.js';
import { addDays, decElement, decValues, decXml, defaultPlan, DEFAULT_ID_CAMPUS, DEFAULT_ID_NOMBRE_INSTITUCION, type DecSigner } from './dec-fixture.js';
import { layoutJson, layoutSheets } from './plan-workbook.js';

export const DEMO_PLAN_FILE = 'plan-demo.json';
export const DEMO_DEC_FILE = 'certificado-demo.xml';
export const DEMO_FOLIO_CONTROL = 'DEMO-DEC-0001';
/** Expedicion/@fecha: the service clock must read 1 to 90 days later when the DEC is uploaded. */
export const DEMO_EXPEDICION = '2026-11-20';
/** The campus as demo.json's "mec" block registers it. */
export const DEMO_CAMPUS = { idCampus: DEFAULT_ID_CAMPUS, nombre: 'CAMPUS DEMOSTRACIÓN' } as const;

function demoSigner(): DecSigner {
  const demo = readDemo();
  const cert = parseCertificate(readFileSync(resolve(demo.baseDir, demo.signer.cer)));
  if (!cert.number || !cert.name || !cert.curp) throw new Error(`${demo.signer.cer} lacks a número de certificado, a name or a CURP`);
  return { cerDer: cert.der, number: cert.number, name: cert.name, curp: cert.curp };
}

/** The layout of defaultPlan() for the demo institution's MEC id and campus, pretty-printed. */
export function demoPlanJson(): string {
  const sheets = layoutSheets(
    { idInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION, campuses: [DEMO_CAMPUS.idCampus], plans: [defaultPlan()], curpResponsable: demoSigner().curp },
    { cells: 'text', catalogSheets: false },
  );
  return `${JSON.stringify(JSON.parse(layoutJson(sheets).toString('utf8')), null, 2)}\n`;
}

/** An unsigned DEC of defaultPlan(): sello, certificadoResponsable and noCertificadoResponsable left empty for `metmec sign`. */
export function demoCertificadoXml(): string {
  const demo = readDemo();
  const values = decValues(defaultPlan(), {
    credential: demoSigner(),
    // decValues issues the DEC two days before the date it is given.
    today: addDays(DEMO_EXPEDICION, 2),
    edit: (v) => {
      Object.assign(v.root, { folioControl: DEMO_FOLIO_CONTROL, sello: '', certificadoResponsable: '', noCertificadoResponsable: '' });
      Object.assign(v.ipes, { nombreInstitucion: demo.nombreInstitucion, campus: DEMO_CAMPUS.nombre });
      Object.assign(v.responsable, { idCargo: String(demo.signer.idCargo), cargo: demo.signer.cargo });
    },
  });
  return decXml(decElement(values));
}

/** Writes both files; returns the paths written. */
export function makeDemoMecFixtures(outDir: string = repoPath('fixtures', 'demo')): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: Array<[string, string]> = [
    [DEMO_PLAN_FILE, demoPlanJson()],
    [DEMO_DEC_FILE, demoCertificadoXml()],
  ];
  return files.map(([name, text]) => {
    const path = join(outDir, name);
    writeFileSync(path, text);
    return path;
  });
}

const invokedAs = process.argv[1];
if (invokedAs !== undefined && import.meta.url === pathToFileURL(resolve(invokedAs)).href) {
  const outDir = process.argv[2];
  for (const path of makeDemoMecFixtures(outDir === undefined ? undefined : resolve(outDir))) console.log(`wrote ${path}`);
}
