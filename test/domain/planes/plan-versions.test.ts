/**
 * Plan identity and versions: re-importing the same workbook changes nothing; a changed credit makes
 * a new version that replaces the current one (the old one is handed back, for certificates already
 * authenticated under it); new plans are added; plans the import does not mention stay current.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { classifyPlanImport, importPlans, planKey, planVersionKey } from '../../../src/domain/planes/import-plan.js';
import type { RegisteredPlan } from '../../../src/domain/planes/plan.js';
import { PLAN_ERROR_CODES } from '../../../src/domain/planes/plan-errors.js';
import { readPlanJson, readPlanWorkbook } from '../../../src/intake/plan-workbook.js';
import { repoPath } from '../../../src/repo-path.js';
import { cloneSheets, layoutSheets, layoutWorkbook, SAMPLE_INSTITUCION, samplePlans } from '../../support/plan-workbook.js';
import type { LayoutSheets } from '../../support/plan-workbook.js';

async function plansOf(sheets: LayoutSheets): Promise<RegisteredPlan[]> {
  const read = await readPlanWorkbook(layoutWorkbook(sheets));
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  const result = importPlans(read.source, { idInstitucion: SAMPLE_INSTITUCION });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plans;
}

t.test('re-importing the same workbook is unchanged', async (t) => {
  const current = await plansOf(layoutSheets(samplePlans()));
  const again = await plansOf(layoutSheets(samplePlans()));
  const diff = classifyPlanImport(current, again);
  t.strictSame(diff.added, []);
  t.strictSame(diff.replaced, []);
  t.strictSame(diff.notInImport, []);
  t.equal(diff.unchanged.length, 3);
  t.strictSame(diff.unchanged.map(planKey), current.map(planKey));
});

t.test('a changed credit replaces the plans that use the subject; the others are unchanged', async (t) => {
  const current = await plansOf(layoutSheets(samplePlans()));
  const sheets = cloneSheets(layoutSheets(samplePlans()));
  const romano = sheets['ASIGNATURAS']!.find((r) => r['ID_ASIGNATURA'] === 102)!;
  romano['CREDITOS'] = 8.5;
  const next = await plansOf(sheets);
  const diff = classifyPlanImport(current, next);
  t.strictSame(diff.replaced.map((r) => [r.previous.clavePlan, r.next.clavePlan]), [['2014', '2014'], ['2020', '2020']]);
  t.equal(diff.replaced[0]!.previous.asignaturas.get('102')!.creditos, '8.00', 'the old version is handed back as it was');
  t.equal(diff.replaced[0]!.next.asignaturas.get('102')!.creditos, '8.50');
  t.equal(diff.replaced[0]!.next.totalCreditos, '19.25');
  t.strictSame(diff.unchanged.map((p) => p.clavePlan), ['DGES 123456789123']);
  t.strictSame(diff.added, []);
  t.not(planVersionKey(diff.replaced[0]!.previous), planVersionKey(diff.replaced[0]!.next));
});

t.test('a new plan is added; a plan left out of an update stays current (notInImport)', async (t) => {
  const all = samplePlans();
  const current = await plansOf(layoutSheets({ ...all, plans: all.plans.slice(0, 2) }));
  const update = await plansOf(layoutSheets({ ...all, plans: all.plans.slice(1) }));
  const diff = classifyPlanImport(current, update);
  t.strictSame(diff.added.map((p) => p.clavePlan), ['DGES 123456789123']);
  t.strictSame(diff.unchanged.map((p) => p.clavePlan), ['2020']);
  t.strictSame(diff.notInImport.map((p) => p.clavePlan), ['2014']);
  t.strictSame(diff.replaced, []);
});

t.test('the version key covers every field, the subject order, and compares credits as decimals', (t) => {
  const base = samplePlans().plans[0]!;
  const key = planVersionKey(base);
  t.match(key, /^sha256:[0-9a-f]{64}$/);
  t.equal(planVersionKey({ ...base }), key, 'deterministic');
  const asText = new Map([...base.asignaturas].map(([id, a]) => [id, { ...a, creditos: a.creditos.replace(/\.00$/, '') }]));
  t.equal(planVersionKey({ ...base, asignaturas: asText }), key, '8 and 8.00 are the same credits');
  const reordered = new Map([...base.asignaturas].reverse());
  t.not(planVersionKey({ ...base, asignaturas: reordered }), key, 'subject order matters');
  const changes: Partial<RegisteredPlan>[] = [
    { numeroCiclos: 10 }, { idTipoPeriodo: '93' }, { calificacionMinimaAprobatoria: 7 }, { rvoe: { numero: base.rvoe.numero, fecha: '2014-08-30' } },
    { nombreCarrera: 'LICENCIATURA EN DERECHO (PLAN NUEVO)' }, { totalCreditos: '18.76' },
  ];
  for (const change of changes) t.not(planVersionKey({ ...base, ...change }), key, `changed ${Object.keys(change).join()}`);
  t.end();
});

t.test('plan identity is idCarrera + clavePlan; two current versions of one plan are a caller bug', (t) => {
  const [a, b] = samplePlans().plans;
  t.equal(planKey(a!), planKey({ idCarrera: '1', clavePlan: '2014' }));
  t.not(planKey(a!), planKey(b!));
  t.not(planKey({ idCarrera: '1', clavePlan: '2,3' }), planKey({ idCarrera: '1,2', clavePlan: '3' }), 'no ambiguous joins');
  t.throws(() => classifyPlanImport([a!, { ...a!, numeroCiclos: 3 }], []), /two current versions/);
  t.end();
});

t.test('the error catalog: stable code shape, a scope and a title for each', (t) => {
  for (const [code, info] of Object.entries(PLAN_ERROR_CODES)) {
    t.match(code, /^PLAN-[A-Z]+(?:-[A-Z]+)*$/, code);
    t.ok(['file', 'sheet', 'row'].includes(info.scope), `${code} scope`);
    t.ok(info.title.length > 10, `${code} title`);
  }
  t.end();
});

t.test('docs/plan-layout.md: the error table is the catalog, and the JSON example imports as shown', async (t) => {
  const doc = readFileSync(repoPath('docs/plan-layout.md'), 'utf8');
  const table = /<!-- plan-error-codes:start -->([\s\S]*?)<!-- plan-error-codes:end -->/.exec(doc)?.[1] ?? '';
  const rows = table.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim().replace(/^`|`$/g, '')));
  t.strictSame(rows.map(([code]) => code), Object.keys(PLAN_ERROR_CODES), 'same codes, same order');
  for (const [code, title] of rows) t.equal(title, PLAN_ERROR_CODES[code as keyof typeof PLAN_ERROR_CODES].title, String(code));

  const json = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  const read = readPlanJson(json);
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  const result = importPlans(read.source, { idInstitucion: '20001' });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const [plan] = result.plans;
  t.equal(result.plans.length, 1);
  t.strictSame([...plan!.asignaturas].map(([id, a]) => [id, a.creditos]), [['101', '6.25'], ['102', '8.00'], ['190', '0.00']]);
  t.equal(plan!.totalCreditos, '14.25');
  t.equal(plan!.calificacionMinimaAprobatoria, 6);
  t.strictSame(plan!.rvoe, { numero: '20140252', fecha: '2014-08-29' });
});
