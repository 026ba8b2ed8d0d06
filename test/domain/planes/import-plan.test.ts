/**
 * The study-plan import, driven through real .xlsx workbooks written with SheetJS (and the same rows
 * as JSON): valid layouts give the expected RegisteredPlan values; every broken row is reported with
 * its sheet, Excel row, column and stable code, all of them at once.
 */
import t from 'tap';
import { importPlans } from '../../../src/domain/planes/import-plan.js';
import type { PlanImportContext, PlanImportResult } from '../../../src/domain/planes/import-plan.js';
import type { RowError } from '../../../src/domain/planes/plan-errors.js';
import { readPlanJson, readPlanWorkbook } from '../../../src/intake/plan-workbook.js';
import {
  cloneSheets, layoutJson, layoutSheets, layoutWorkbook, planWorkbook, SAMPLE_CAMPUS, SAMPLE_INSTITUCION, samplePlans,
} from '../../support/plan-workbook.js';
import type { LayoutCell, LayoutSheets, WorkbookOptions } from '../../support/plan-workbook.js';

const CONTEXT: PlanImportContext = { idInstitucion: SAMPLE_INSTITUCION };

async function importXlsx(sheets: LayoutSheets, context: PlanImportContext = CONTEXT, options: WorkbookOptions = {}): Promise<PlanImportResult> {
  const read = await readPlanWorkbook(layoutWorkbook(sheets, options));
  if (!read.ok) throw new Error(`the test workbook could not be read: ${JSON.stringify(read.errors)}`);
  return importPlans(read.source, context);
}

function importJson(sheets: LayoutSheets, context: PlanImportContext = CONTEXT): PlanImportResult {
  const read = readPlanJson(layoutJson(sheets));
  if (!read.ok) throw new Error(`the test JSON could not be read: ${JSON.stringify(read.errors)}`);
  return importPlans(read.source, context);
}

function errorsOf(result: PlanImportResult): RowError[] {
  if (result.ok) throw new Error('expected the import to fail');
  return result.errors;
}

/** Where and what, without the prose. */
const brief = (errors: readonly RowError[]): { sheet: string; row: number; column?: string; code: string }[] =>
  errors.map((e) => ({ sheet: e.sheet, row: e.row, ...(e.column !== undefined ? { column: e.column } : {}), code: e.code }));

/** Sample sheets with one cell changed: `row` is the Excel row (data start at 2). */
function withCell(sheet: string, row: number, column: string, value: LayoutCell, base = layoutSheets(samplePlans())): LayoutSheets {
  const sheets = cloneSheets(base);
  const target = sheets[sheet]?.[row - 2];
  if (target === undefined) throw new Error(`no row ${row} in ${sheet}`);
  target[column] = value;
  return sheets;
}

function ok(result: PlanImportResult): Extract<PlanImportResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors, null, 1)}`);
  return result;
}

t.test('a valid workbook imports to exactly the described plans', async (t) => {
  const expected = samplePlans();
  const result = ok(await importXlsx(layoutSheets(expected)));
  t.strictSame(result.plans, expected.plans);
  // Map order is the plan order: compare it explicitly.
  t.strictSame(result.plans.map((p) => [...p.asignaturas.keys()]), [['101', '102', '150', '190'], ['102', '101'], ['2001', '2002']]);
  t.equal(result.plans[0]!.totalCreditos, '18.75');
  t.equal(result.plans[2]!.calificacionMinimaAprobatoria, 7);
  t.strictSame(result.carreras, [
    { idCarrera: '1', idNivelEstudios: '81', nombre: 'LICENCIATURA EN DERECHO', claveCarrera: '612301' },
    { idCarrera: '2', idNivelEstudios: '82', nombre: 'MAESTRÍA EN EDUCACIÓN' },
  ]);
  t.strictSame(result.asignaturas.map((a) => [a.idAsignatura, a.idCarrera, a.creditos]), [
    ['101', '1', '6.25'], ['102', '1', '8.00'], ['150', '1', '4.50'], ['190', '1', '0.00'], ['2001', '2', '10.75'], ['2002', '2', '12.00'],
  ]);
  t.strictSame(result.campuses, [
    { idCarrera: '1', clavePlan: '2014', claveCampus: SAMPLE_CAMPUS, curpResponsable: 'GOCM800101HDFRRR09' },
    { idCarrera: '1', clavePlan: '2020', claveCampus: SAMPLE_CAMPUS, curpResponsable: 'GOCM800101HDFRRR09' },
    { idCarrera: '2', clavePlan: 'DGES 123456789123', claveCampus: SAMPLE_CAMPUS, curpResponsable: 'GOCM800101HDFRRR09' },
  ]);
  t.strictSame(result.summary, {
    carreras: 2, rvoes: 2, asignaturas: 6, plans: 3, programRows: 8,
    ignoredSheets: ['ENTIDAD FEDERATIVA', 'TIPO ASIGNATURA'], ignoredColumns: [],
  });
});

t.test('every cell typed as text gives the same plans as number and date cells', async (t) => {
  const natural = ok(await importXlsx(layoutSheets(samplePlans(), { cells: 'natural' })));
  const text = ok(await importXlsx(layoutSheets(samplePlans(), { cells: 'text' })));
  t.strictSame(text.plans, natural.plans);
  t.strictSame(text.plans, samplePlans().plans);
});

t.test('the same rows as JSON give the same result, success and failure alike', async (t) => {
  const sheets = layoutSheets(samplePlans());
  t.strictSame(importJson(sheets), await importXlsx(sheets));
  const broken = withCell('ASIGNATURAS', 3, 'CREDITOS', '8,5', withCell('PLANES', 4, 'NUMERO_CICLOS', 0));
  const fromJson = errorsOf(importJson(broken));
  t.strictSame(fromJson, errorsOf(await importXlsx(broken)));
  t.equal(fromJson.length, 2);
});

t.test('subjects are ordered by FOLIO_ORDENAMIENTO, not by row order; row order of the plan rows does not matter', async (t) => {
  const sheets = layoutSheets(samplePlans());
  sheets['PROGRAMAS DE ESTUDIO']!.reverse();
  t.strictSame(ok(await importXlsx(sheets)).plans, samplePlans().plans);
});

t.test('values are trimmed; catalog sheets and unknown columns are ignored and listed', async (t) => {
  const sheets = withCell('PLANES', 2, 'CLAVE_PLAN', '  2014 ');
  for (const row of sheets['PROGRAMAS DE ESTUDIO']!) if (row['CLAVE_PLAN'] === '2014') row['CLAVE_PLAN'] = '2014\u00a0';
  sheets['NUMERO DE RVOE']![0]!['FECHA'] = '29 DE AGOSTO DE 2014';
  const result = ok(await importXlsx(sheets));
  t.equal(result.plans[0]!.clavePlan, '2014');
  t.strictSame(result.summary.ignoredColumns, [{ sheet: 'NUMERO DE RVOE', column: 'FECHA' }]);
});

t.test('a plan offered at two campuses is one plan with its campuses listed', async (t) => {
  const desc = { ...samplePlans(), campuses: [SAMPLE_CAMPUS, '150002'] };
  const result = ok(await importXlsx(layoutSheets(desc), { ...CONTEXT, campuses: new Set([SAMPLE_CAMPUS, '150002']) }));
  t.strictSame(result.plans, samplePlans().plans);
  t.strictSame(result.campuses.map((c) => `${c.clavePlan}@${c.claveCampus}`), [
    `2014@${SAMPLE_CAMPUS}`, '2014@150002', `2020@${SAMPLE_CAMPUS}`, '2020@150002', `DGES 123456789123@${SAMPLE_CAMPUS}`, 'DGES 123456789123@150002',
  ]);
});

// ------------------------------------------------------------------ one code at a time

interface Case {
  readonly name: string;
  readonly sheets: () => LayoutSheets;
  readonly context?: PlanImportContext;
  readonly options?: WorkbookOptions;
  readonly expected: ReturnType<typeof brief>;
  /** Substrings of the first error's message, expected and found. */
  readonly says?: { message?: string; expected?: string; found?: string };
}

const CASES: Case[] = [
  {
    name: 'PLAN-INSTITUTION: another institution\'s id',
    sheets: () => withCell('ASIGNATURAS', 4, 'ID_INSTITUCION', 20002),
    expected: [{ sheet: 'ASIGNATURAS', row: 4, column: 'ID_INSTITUCION', code: 'PLAN-INSTITUTION' }],
    says: { expected: '20001', found: '20002' },
  },
  {
    name: 'PLAN-INTEGER: ID_ASIGNATURA with a leading zero',
    sheets: () => withCell('ASIGNATURAS', 2, 'ID_ASIGNATURA', '0101'),
    // The plan rows that use subject 101 are not reported again: the cause is this one row.
    expected: [{ sheet: 'ASIGNATURAS', row: 2, column: 'ID_ASIGNATURA', code: 'PLAN-INTEGER' }],
    says: { message: 'leading zeros', found: '0101' },
  },
  {
    name: 'PLAN-INTEGER: ID_CARRERA with decimals',
    sheets: () => withCell('PLANES', 4, 'ID_CARRERA', 2.5),
    expected: [{ sheet: 'PLANES', row: 4, column: 'ID_CARRERA', code: 'PLAN-INTEGER' }],
    says: { message: 'decimals are not allowed', found: '2.5' },
  },
  {
    name: 'PLAN-INTEGER: CALIF_MINIMA written with decimals',
    sheets: () => withCell('NUMERO DE RVOE', 2, 'CALIF_MINIMA', '5.0'),
    expected: [{ sheet: 'NUMERO DE RVOE', row: 2, column: 'CALIF_MINIMA', code: 'PLAN-INTEGER' }],
  },
  {
    name: 'PLAN-INTEGER: NUMERO_CICLOS zero',
    sheets: () => withCell('PLANES', 3, 'NUMERO_CICLOS', 0),
    expected: [{ sheet: 'PLANES', row: 3, column: 'NUMERO_CICLOS', code: 'PLAN-INTEGER' }],
  },
  {
    name: 'PLAN-REQUIRED: a blank DESCRIPCION',
    sheets: () => withCell('CARRERAS', 3, 'DESCRIPCION', '   '),
    expected: [{ sheet: 'CARRERAS', row: 3, column: 'DESCRIPCION', code: 'PLAN-REQUIRED' }],
  },
  {
    name: 'PLAN-DECIMAL: credits with three decimals',
    sheets: () => withCell('ASIGNATURAS', 3, 'CREDITOS', 6.125),
    expected: [{ sheet: 'ASIGNATURAS', row: 3, column: 'CREDITOS', code: 'PLAN-DECIMAL' }],
    says: { found: '6.125' },
  },
  {
    name: 'PLAN-DECIMAL: a decimal comma',
    sheets: () => withCell('NUMERO DE RVOE', 3, 'MINIMA_APROBATORIA', '7,00'),
    expected: [{ sheet: 'NUMERO DE RVOE', row: 3, column: 'MINIMA_APROBATORIA', code: 'PLAN-DECIMAL' }],
    says: { message: 'not ","' },
  },
  {
    name: 'PLAN-DATE: a date typed as DD/MM/AAAA text, in the RVOE sheet and in a plan row',
    sheets: () => withCell('PROGRAMAS DE ESTUDIO', 8, 'FECHA_RVOE', '12/05/1980', withCell('NUMERO DE RVOE', 3, 'FECHA_RVOE', '12/05/1980')),
    expected: [
      { sheet: 'NUMERO DE RVOE', row: 3, column: 'FECHA_RVOE', code: 'PLAN-DATE' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 8, column: 'FECHA_RVOE', code: 'PLAN-DATE' },
    ],
    says: { expected: 'AAAA-MM-DD' },
  },
  {
    name: 'PLAN-DATE: Excel\'s fictitious 1900-02-29 date cell',
    sheets: () => withCell('NUMERO DE RVOE', 2, 'FECHA_RVOE', { cell: { t: 'n', v: 60, z: 'yyyy-mm-dd' } }),
    expected: [
      { sheet: 'NUMERO DE RVOE', row: 2, column: 'FECHA_RVOE', code: 'PLAN-DATE' },
    ],
    says: { found: '1900-02-29' },
  },
  {
    name: 'PLAN-RVOE: decreto in lower case',
    sheets: () => withCell('NUMERO DE RVOE', 3, 'NO_RVOE', 'acuerdo 1980'),
    expected: [{ sheet: 'NUMERO DE RVOE', row: 3, column: 'NO_RVOE', code: 'PLAN-RVOE' }],
    says: { message: 'upper case' },
  },
  {
    name: 'PLAN-GRADES: CALIF_MINIMA not below CALIF_MAXIMA',
    sheets: () => withCell('NUMERO DE RVOE', 2, 'CALIF_MINIMA', 10),
    expected: [{ sheet: 'NUMERO DE RVOE', row: 2, column: 'CALIF_MAXIMA', code: 'PLAN-GRADES' }],
  },
  {
    name: 'PLAN-GRADES: passing grade above the maximum',
    sheets: () => withCell('NUMERO DE RVOE', 2, 'MINIMA_APROBATORIA', 10.5),
    expected: [{ sheet: 'NUMERO DE RVOE', row: 2, column: 'MINIMA_APROBATORIA', code: 'PLAN-GRADES' }],
    says: { expected: 'from 5 to 10', found: '10.5' },
  },
  {
    name: 'PLAN-CATALOG: an unknown tipo de asignatura and tipo de periodo',
    sheets: () => withCell('PLANES', 2, 'ID_TIPO_PERIODO', 90, withCell('ASIGNATURAS', 5, 'ID_TIPO_ASIGNATURA', 267)),
    expected: [
      { sheet: 'ASIGNATURAS', row: 5, column: 'ID_TIPO_ASIGNATURA', code: 'PLAN-CATALOG' },
      { sheet: 'PLANES', row: 2, column: 'ID_TIPO_PERIODO', code: 'PLAN-CATALOG' },
    ],
    says: { expected: '263 OBLIGATORIA', found: '267' },
  },
  {
    name: 'PLAN-CATALOG: an unknown nivel de estudios in CARRERAS',
    sheets: () => withCell('CARRERAS', 2, 'ID_NIVEL', 86),
    expected: [{ sheet: 'CARRERAS', row: 2, column: 'ID_NIVEL', code: 'PLAN-CATALOG' }],
  },
  {
    name: 'PLAN-FORMAT: a CURP that is not one, a campus clave with a space, a name with a line break',
    sheets: () => withCell('ASIGNATURAS', 6, 'DESCRIPCION', 'MÉTODOS DE\nINVESTIGACIÓN',
      withCell('PROGRAMAS DE ESTUDIO', 3, 'CLAVE_CAMPUS', '09 0001', withCell('PROGRAMAS DE ESTUDIO', 2, 'CURP_RESPONSABLE_PLAN_DE_ESTUDIO', 'gocm800101hdfrrr09'))),
    expected: [
      { sheet: 'ASIGNATURAS', row: 6, column: 'DESCRIPCION', code: 'PLAN-FORMAT' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 2, column: 'CURP_RESPONSABLE_PLAN_DE_ESTUDIO', code: 'PLAN-FORMAT' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 3, column: 'CLAVE_CAMPUS', code: 'PLAN-FORMAT' },
    ],
  },
  {
    name: 'PLAN-DUPLICATE: ID_ASIGNATURA used twice in ASIGNATURAS',
    sheets: () => withCell('ASIGNATURAS', 7, 'ID_ASIGNATURA', 2001),
    // Subject 2002 is then unknown to its plan row.
    expected: [
      { sheet: 'ASIGNATURAS', row: 7, column: 'ID_ASIGNATURA', code: 'PLAN-DUPLICATE' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 9, column: 'ID_ASIGNATURA', code: 'PLAN-REFERENCE' },
    ],
    says: { message: 'row 6' },
  },
  {
    name: 'PLAN-DUPLICATE: a carrera, an RVOE and a plan listed twice',
    sheets: () => {
      const s = layoutSheets(samplePlans());
      s['CARRERAS']!.push({ ...s['CARRERAS']![0]! });
      s['NUMERO DE RVOE']!.push({ ...s['NUMERO DE RVOE']![1]! });
      s['PLANES']!.push({ ...s['PLANES']![1]! });
      return s;
    },
    expected: [
      { sheet: 'CARRERAS', row: 4, column: 'ID_CARRERA', code: 'PLAN-DUPLICATE' },
      { sheet: 'NUMERO DE RVOE', row: 4, column: 'NO_RVOE', code: 'PLAN-DUPLICATE' },
      { sheet: 'PLANES', row: 5, column: 'CLAVE_PLAN', code: 'PLAN-DUPLICATE' },
    ],
  },
  {
    name: 'PLAN-DUPLICATE: a subject and a folio twice in one plan',
    sheets: () => withCell('PROGRAMAS DE ESTUDIO', 5, 'FOLIO_ORDENAMIENTO', 1, withCell('PROGRAMAS DE ESTUDIO', 3, 'ID_ASIGNATURA', 101)),
    expected: [
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 3, column: 'ID_ASIGNATURA', code: 'PLAN-DUPLICATE' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 5, column: 'FOLIO_ORDENAMIENTO', code: 'PLAN-DUPLICATE' },
    ],
  },
  {
    name: 'PLAN-ID-REUSED: an ID_ASIGNATURA registered before for another subject',
    sheets: () => layoutSheets(samplePlans()),
    context: { ...CONTEXT, existing: { asignaturas: new Map([['150', { idCarrera: '1', claveAsignatura: 'DER-999' }], ['101', { idCarrera: '1', claveAsignatura: 'DER-101' }]]) } },
    expected: [{ sheet: 'ASIGNATURAS', row: 4, column: 'ID_ASIGNATURA', code: 'PLAN-ID-REUSED' }],
    says: { expected: 'DER-999', found: 'DER-150' },
  },
  {
    name: 'PLAN-REFERENCE: a plan row naming a subject, an RVOE and a plan that are not registered',
    sheets: () => withCell('PROGRAMAS DE ESTUDIO', 9, 'CLAVE_PLAN', 'DGES 2',
      withCell('PROGRAMAS DE ESTUDIO', 8, 'NO_RVOE', 'ACUERDO 1981', withCell('PROGRAMAS DE ESTUDIO', 2, 'ID_ASIGNATURA', 999))),
    expected: [
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 2, column: 'ID_ASIGNATURA', code: 'PLAN-REFERENCE' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 8, column: 'NO_RVOE', code: 'PLAN-REFERENCE' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 9, column: 'CLAVE_PLAN', code: 'PLAN-REFERENCE' },
    ],
    says: { message: 'ID_ASIGNATURA 999 is not listed' },
  },
  {
    name: 'PLAN-REFERENCE: a subject of another carrera in a plan; a carrera that is not listed',
    sheets: () => withCell('ASIGNATURAS', 5, 'ID_CARRERA', 7, withCell('PROGRAMAS DE ESTUDIO', 3, 'ID_ASIGNATURA', 2001)),
    expected: [
      { sheet: 'ASIGNATURAS', row: 5, column: 'ID_CARRERA', code: 'PLAN-REFERENCE' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 3, column: 'ID_ASIGNATURA', code: 'PLAN-REFERENCE' },
      // Subject 190's carrera is now 7: its plan row (carrera 1) references a subject of another carrera.
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 5, column: 'ID_ASIGNATURA', code: 'PLAN-REFERENCE' },
    ],
  },
  {
    name: 'PLAN-REFERENCE: a campus the institution has not registered',
    sheets: () => withCell('PROGRAMAS DE ESTUDIO', 6, 'CLAVE_CAMPUS', '150002'),
    context: { ...CONTEXT, campuses: new Set([SAMPLE_CAMPUS]) },
    expected: [
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 6, column: 'CLAVE_CAMPUS', code: 'PLAN-REFERENCE' },
      // Plan 2020 now lists 102 at campus 150002 and 101 at 090001: the campuses disagree.
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 6, column: 'ID_ASIGNATURA', code: 'PLAN-CONFLICT' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 7, column: 'ID_ASIGNATURA', code: 'PLAN-CONFLICT' },
    ],
  },
  {
    name: 'PLAN-REFERENCE: a campus clave typed as a number loses its leading zero',
    sheets: () => {
      const s = layoutSheets(samplePlans());
      for (const row of s['PROGRAMAS DE ESTUDIO']!) if (row['CLAVE_PLAN'] === '2020') row['CLAVE_CAMPUS'] = 90001;
      return s;
    },
    context: { ...CONTEXT, campuses: new Set([SAMPLE_CAMPUS]) },
    expected: [
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 6, column: 'CLAVE_CAMPUS', code: 'PLAN-REFERENCE' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 7, column: 'CLAVE_CAMPUS', code: 'PLAN-REFERENCE' },
    ],
    says: { message: 'leading zero of 090001', found: '90001' },
  },
  {
    name: 'PLAN-CONFLICT: two RVOEs in one plan; a plan whose nivel differs from its carrera',
    sheets: () => {
      const s = withCell('PLANES', 4, 'ID_NIVEL_ESTUDIOS', 95);
      s['NUMERO DE RVOE']!.push({ ...s['NUMERO DE RVOE']![0]!, NO_RVOE: 20200001, FECHA_RVOE: { date: '2020-01-15' } });
      const row = s['PROGRAMAS DE ESTUDIO']![1]!;
      row['NO_RVOE'] = 20200001;
      row['FECHA_RVOE'] = { date: '2020-01-15' };
      return s;
    },
    expected: [
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 3, column: 'NO_RVOE', code: 'PLAN-CONFLICT' },
      { sheet: 'PLANES', row: 4, column: 'ID_NIVEL_ESTUDIOS', code: 'PLAN-CONFLICT' },
    ],
    says: { expected: '20140252 of 2014-08-29', found: '20200001 of 2020-01-15' },
  },
  {
    name: 'PLAN-CONFLICT: a campus missing a subject of the plan, another ordering it differently',
    sheets: () => {
      const s = layoutSheets({ ...samplePlans(), campuses: [SAMPLE_CAMPUS, '150002'] });
      const rows = s['PROGRAMAS DE ESTUDIO']!;
      // Plan 2014 at 150002 is rows 6–9 (101, 102, 150, 190): drop 190, swap the folios of 101 and 102.
      rows.splice(7, 1);
      rows[4]!['FOLIO_ORDENAMIENTO'] = 2;
      rows[5]!['FOLIO_ORDENAMIENTO'] = 1;
      return s;
    },
    expected: [
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 5, column: 'ID_ASIGNATURA', code: 'PLAN-CONFLICT' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 6, column: 'FOLIO_ORDENAMIENTO', code: 'PLAN-CONFLICT' },
      { sheet: 'PROGRAMAS DE ESTUDIO', row: 7, column: 'FOLIO_ORDENAMIENTO', code: 'PLAN-CONFLICT' },
    ],
    says: { message: 'not at campus 150002' },
  },
  {
    name: 'PLAN-EMPTY: a plan with no subjects',
    sheets: () => {
      const s = layoutSheets(samplePlans());
      s['PROGRAMAS DE ESTUDIO'] = s['PROGRAMAS DE ESTUDIO']!.filter((r) => r['CLAVE_PLAN'] !== '2020');
      return s;
    },
    expected: [{ sheet: 'PLANES', row: 3, column: 'CLAVE_PLAN', code: 'PLAN-EMPTY' }],
  },
  {
    name: 'PLAN-EMPTY: a layout sheet with headers but no rows',
    sheets: () => ({ ...layoutSheets(samplePlans()), PLANES: [] }),
    options: { headers: { PLANES: ['ID_CARRERA', 'CLAVE_PLAN', 'ID_TIPO_PERIODO', 'ID_NIVEL_ESTUDIOS', 'NUMERO_CICLOS'] } },
    // The plan rows pointing into the empty sheet are not reported one by one.
    expected: [{ sheet: 'PLANES', row: 0, code: 'PLAN-EMPTY' }],
  },
  {
    name: 'PLAN-SHEET: a missing sheet, with the near name that is there',
    sheets: () => {
      const s = layoutSheets(samplePlans());
      const rows = s['NUMERO DE RVOE']!;
      delete s['NUMERO DE RVOE'];
      s['Número de RVOE'] = rows;
      return s;
    },
    // References into the missing sheet are not reported again.
    expected: [{ sheet: 'NUMERO DE RVOE', row: 0, code: 'PLAN-SHEET' }],
    says: { found: 'Número de RVOE' },
  },
  {
    name: 'PLAN-SHEET: two sheets that both stand for CARRERAS',
    sheets: () => {
      const s = layoutSheets(samplePlans());
      s['CARRERAS '] = s['CARRERAS']!;
      return s;
    },
    expected: [{ sheet: 'CARRERAS', row: 0, code: 'PLAN-SHEET' }],
  },
  {
    name: 'PLAN-COLUMN: a header in the wrong case, and a repeated header',
    sheets: () => layoutSheets(samplePlans()),
    options: {
      headers: {
        ASIGNATURAS: ['ID_INSTITUCION', 'ID_CARRERA', 'ID_ASIGNATURA', 'CLAVE_ASIGNATURA', 'DESCRIPCION', 'ID_TIPO_ASIGNATURA', 'Creditos'],
        PLANES: ['ID_CARRERA', 'CLAVE_PLAN', 'ID_TIPO_PERIODO', 'ID_NIVEL_ESTUDIOS', 'NUMERO_CICLOS', 'NUMERO_CICLOS'],
      },
    },
    expected: [
      { sheet: 'ASIGNATURAS', row: 1, column: 'CREDITOS', code: 'PLAN-COLUMN' },
      { sheet: 'PLANES', row: 1, column: 'NUMERO_CICLOS', code: 'PLAN-COLUMN' },
    ],
    says: { found: 'Creditos', message: 'case-sensitive' },
  },
  {
    name: 'PLAN-CELL: an Excel error value and a formula without a stored result',
    sheets: () => withCell('PLANES', 3, 'NUMERO_CICLOS', { cell: { t: 'n', f: 'B2+1' } },
      withCell('ASIGNATURAS', 2, 'CREDITOS', { cell: { t: 'e', v: 0x2a } })),
    expected: [
      { sheet: 'ASIGNATURAS', row: 2, column: 'CREDITOS', code: 'PLAN-CELL' },
      { sheet: 'PLANES', row: 3, column: 'NUMERO_CICLOS', code: 'PLAN-CELL' },
    ],
    says: { found: '#N/A' },
  },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const errors = errorsOf(await importXlsx(c.sheets(), c.context ?? CONTEXT, c.options ?? {}));
    t.strictSame(brief(errors), c.expected);
    const first = errors[0]!;
    t.ok(first.message.length > 0, 'has a message');
    if (c.says?.message !== undefined) t.match(first.message, c.says.message);
    if (c.says?.expected !== undefined) t.match(first.expected ?? '', c.says.expected);
    if (c.says?.found !== undefined) t.match(first.found ?? '', c.says.found);
  });
}

t.test('an ID_ASIGNATURA may be imported again for the same subject', async (t) => {
  const existing = new Map([['101', { idCarrera: '1', claveAsignatura: 'DER-101' }], ['190', { idCarrera: '1', claveAsignatura: '' }]]);
  t.ok((await importXlsx(layoutSheets(samplePlans()), { ...CONTEXT, existing: { asignaturas: existing } })).ok);
});

t.test('many errors in one workbook are all reported, in sheet and row order', async (t) => {
  let s = layoutSheets(samplePlans());
  s = withCell('CARRERAS', 2, 'ID_INSTITUCION', 3, s);
  s = withCell('NUMERO DE RVOE', 3, 'NO_RVOE', 'Acuerdo 1980', s);
  s = withCell('ASIGNATURAS', 4, 'CREDITOS', -1, s);
  s = withCell('ASIGNATURAS', 6, 'ID_TIPO_ASIGNATURA', 'OBLIGATORIA', s);
  s = withCell('ASIGNATURAS', 7, 'DESCRIPCION', null, s);
  s = withCell('PROGRAMAS DE ESTUDIO', 9, 'FOLIO_ORDENAMIENTO', 'dos', s);
  s = withCell('PLANES', 2, 'NUMERO_CICLOS', 9.5, s);
  s = withCell('PLANES', 4, 'ID_TIPO_PERIODO', 263, s);
  const errors = errorsOf(await importXlsx(s));
  t.strictSame(brief(errors), [
    { sheet: 'CARRERAS', row: 2, column: 'ID_INSTITUCION', code: 'PLAN-INSTITUTION' },
    { sheet: 'NUMERO DE RVOE', row: 3, column: 'NO_RVOE', code: 'PLAN-RVOE' },
    { sheet: 'ASIGNATURAS', row: 4, column: 'CREDITOS', code: 'PLAN-DECIMAL' },
    { sheet: 'ASIGNATURAS', row: 6, column: 'ID_TIPO_ASIGNATURA', code: 'PLAN-INTEGER' },
    { sheet: 'ASIGNATURAS', row: 7, column: 'DESCRIPCION', code: 'PLAN-REQUIRED' },
    { sheet: 'PROGRAMAS DE ESTUDIO', row: 9, column: 'FOLIO_ORDENAMIENTO', code: 'PLAN-INTEGER' },
    { sheet: 'PLANES', row: 2, column: 'NUMERO_CICLOS', code: 'PLAN-INTEGER' },
    { sheet: 'PLANES', row: 4, column: 'ID_TIPO_PERIODO', code: 'PLAN-CATALOG' },
  ]);
  t.strictSame(errorsOf(importJson(s)), errors, 'JSON reports the same errors');
});

t.test('a workbook without any layout sheet reports the five sheets missing', async (t) => {
  const errors = errorsOf(await importXlsx({ Hoja1: [{ A: 1 }] }));
  t.strictSame(brief(errors), ['CARRERAS', 'NUMERO DE RVOE', 'ASIGNATURAS', 'PROGRAMAS DE ESTUDIO', 'PLANES'].map((sheet) => ({ sheet, row: 0, code: 'PLAN-SHEET' })));
});

t.test('a layout sheet that is completely empty is PLAN-EMPTY, not a list of missing columns', async (t) => {
  const s = layoutSheets(samplePlans());
  s['CARRERAS'] = [];
  const errors = errorsOf(await importXlsx(s, CONTEXT, { headers: { CARRERAS: [] } }));
  t.strictSame(brief(errors), [{ sheet: 'CARRERAS', row: 0, code: 'PLAN-EMPTY' }]);
});

t.test('the sample workbook helper yields an upload the import accepts', async (t) => {
  const read = await readPlanWorkbook(planWorkbook());
  t.ok(read.ok);
  if (read.ok) t.strictSame(ok(importPlans(read.source, CONTEXT)).plans, samplePlans().plans);
});
