/**
 * The Asignaturas totals (spec mec-certificados.md §4.2–§4.3), recomputed from the listed subjects
 * and the registered plan with exact decimals (decimal.ts). Whether MEC recomputes them is not
 * public (§7 question 3); every producer computes them the same way (S3, S4, S5, S7, S10), so a
 * mismatch is what SEP would most plausibly refuse.
 *
 * Values that are missing or malformed are left out (their format checks report them); a total
 * that depends on one of them is skipped rather than judged on partial data.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import { TIPO_ASIGNATURA_COMPLEMENTARIA, TIPO_CERTIFICACION_TOTAL } from '../catalogs/certificados.js';
import { isCanonicalInteger } from '../catalogs/catalog.js';
import type { RegisteredPlan } from '../planes/plan.js';
import type { DecOptions } from './context.js';
import { compareDecimal, formatDecimal, formatGrade, parseDecimal, sameDecimal, sumDecimals, truncatedMean, type Decimal } from './decimal.js';
import { given, type Asignatura, type Dec } from './model.js';
import { invalidValue } from './sep-messages.js';

const NODE = 'Asignaturas';

interface Graded {
  readonly subject: Asignatura;
  readonly calificacion: Decimal;
}

/** The subjects whose calificacion reads as a number. */
function graded(d: Dec): { list: Graded[]; complete: boolean } {
  const list: Graded[] = [];
  for (const s of d.subjects) {
    const calificacion = given(s.calificacion) ? parseDecimal(s.calificacion) : undefined;
    if (calificacion !== undefined) list.push({ subject: s, calificacion });
  }
  return { list, complete: list.length === d.subjects.length };
}

function decimalAttr(value: string | undefined): Decimal | undefined {
  return given(value) ? parseDecimal(value) : undefined;
}

function integerAttr(value: string | undefined): number | undefined {
  return given(value) && isCanonicalInteger(value) ? Number(value) : undefined;
}

function compare(code: CheckCode, attribute: string, written: string | undefined, expected: string, equal: boolean, why: string, out: CheckResult[]): void {
  const where = { node: NODE, attribute };
  if (equal) out.push(ok(code, `${attribute} ${written ?? ''} is ${why}`, where));
  else out.push(fail(code, `${attribute} ${written ?? ''} is not ${why} (${expected})`, invalidValue(attribute, NODE, written ?? ''), { ...where, expected, found: written }));
}

export function checkArithmetic(d: Dec, plan: RegisteredPlan | undefined, options: DecOptions, out: CheckResult[]): void {
  const grades = graded(d);
  checkRange(d, grades.list, out);
  checkCounts(d, plan, out);
  checkTotalCreditos(d, plan, out);
  const passed = checkCreditosObtenidos(d, grades, out);
  checkPromedio(d, grades, out);
  checkNumeroCiclos(d, plan, options, out);
  checkCertificadoTotal(d, plan, passed, out);
}

/** Every grade within [calificacionMinima, calificacionMaxima] of the DEC (checked against the plan's elsewhere). */
function checkRange(d: Dec, list: readonly Graded[], out: CheckResult[]): void {
  const min = decimalAttr(d.carrera.calificacionMinima);
  const max = decimalAttr(d.carrera.calificacionMaxima);
  if (min === undefined || max === undefined) {
    out.push(skip('DEC-CALIFICACION-RANGO', 'calificacionMinima or calificacionMaxima is missing or not a number', { node: 'Carrera' }));
    return;
  }
  const range = `${formatDecimal(min)} to ${formatDecimal(max)}`;
  const start = out.length;
  for (const { subject, calificacion } of list) {
    if (compareDecimal(calificacion, min) >= 0 && compareDecimal(calificacion, max) <= 0) continue;
    out.push(
      fail('DEC-CALIFICACION-RANGO', `${subject.node}: calificacion ${subject.calificacion ?? ''} is outside ${range}`, invalidValue('calificacion', subject.node, subject.calificacion ?? ''), {
        node: subject.node,
        attribute: 'calificacion',
        expected: range,
        found: subject.calificacion,
      }),
    );
  }
  if (out.length === start) out.push(ok('DEC-CALIFICACION-RANGO', `${list.length} grade(s) within ${range}`, { node: NODE }));
}

/** total = subjects in the plan; asignadas = subjects listed, complementarias included (§4.2, S4). */
function checkCounts(d: Dec, plan: RegisteredPlan | undefined, out: CheckResult[]): void {
  const { total, asignadas } = d.asignaturas;
  const writtenTotal = integerAttr(total);
  if (plan === undefined) out.push(skip('DEC-TOTAL', 'No registered plan to count the subjects of', { node: NODE, attribute: 'total' }));
  else if (writtenTotal === undefined) out.push(skip('DEC-TOTAL', 'total is missing or not an integer', { node: NODE, attribute: 'total' }));
  else compare('DEC-TOTAL', 'total', total, String(plan.asignaturas.size), writtenTotal === plan.asignaturas.size, `the number of subjects in plan ${plan.clavePlan}`, out);

  const writtenAsignadas = integerAttr(asignadas);
  const listed = d.subjects.length;
  if (writtenAsignadas === undefined) out.push(skip('DEC-ASIGNADAS', 'asignadas is missing or not an integer', { node: NODE, attribute: 'asignadas' }));
  else compare('DEC-ASIGNADAS', 'asignadas', asignadas, String(listed), writtenAsignadas === listed, 'the number of Asignatura elements', out);
}

function checkTotalCreditos(d: Dec, plan: RegisteredPlan | undefined, out: CheckResult[]): void {
  const written = decimalAttr(d.asignaturas.totalCreditos);
  const registered = plan ? parseDecimal(plan.totalCreditos) : undefined;
  const where = { node: NODE, attribute: 'totalCreditos' };
  if (plan === undefined || registered === undefined) out.push(skip('DEC-TOTAL-CREDITOS', 'No registered plan total to compare with', where));
  else if (written === undefined) out.push(skip('DEC-TOTAL-CREDITOS', 'totalCreditos is missing or not a number', where));
  else compare('DEC-TOTAL-CREDITOS', 'totalCreditos', d.asignaturas.totalCreditos, plan.totalCreditos, sameDecimal(written, registered), `plan ${plan.clavePlan}'s total credits`, out);
}

/**
 * creditosObtenidos = Σ creditos of the subjects with calificacion ≥ calificacionMinimaAprobatoria
 * (§4.2, S3). Returns that sum when it could be computed, for DEC-CERTIFICADO-TOTAL.
 */
function checkCreditosObtenidos(d: Dec, grades: { list: Graded[]; complete: boolean }, out: CheckResult[]): Decimal | undefined {
  const where = { node: NODE, attribute: 'creditosObtenidos' };
  const aprobatoria = decimalAttr(d.carrera.calificacionMinimaAprobatoria);
  const credits = grades.list.map((g) => decimalAttr(g.subject.creditos));
  if (aprobatoria === undefined || !grades.complete || credits.some((c) => c === undefined)) {
    out.push(skip('DEC-CREDITOS-OBTENIDOS', 'A grade, a subject credit value or calificacionMinimaAprobatoria is missing or not a number', where));
    return undefined;
  }
  const passed = sumDecimals(grades.list.flatMap((g, i) => (compareDecimal(g.calificacion, aprobatoria) >= 0 ? [credits[i] as Decimal] : [])));
  const written = decimalAttr(d.asignaturas.creditosObtenidos);
  if (written === undefined) out.push(skip('DEC-CREDITOS-OBTENIDOS', 'creditosObtenidos is missing or not a number', where));
  else {
    compare(
      'DEC-CREDITOS-OBTENIDOS',
      'creditosObtenidos',
      d.asignaturas.creditosObtenidos,
      formatDecimal(passed),
      sameDecimal(written, passed),
      `the sum of the credits of the subjects graded ≥ ${d.carrera.calificacionMinimaAprobatoria ?? ''}`,
      out,
    );
  }
  return passed;
}

/**
 * promedio = the mean of the grades of the listed subjects except COMPLEMENTARIA (266), truncated
 * to two decimals (§4.2: S3 ROUND_FLOOR, S4, S5, S10), compared by value (its writing is
 * DEC-GRADE-FORMAT's).
 */
function checkPromedio(d: Dec, grades: { list: Graded[]; complete: boolean }, out: CheckResult[]): void {
  const where = { node: NODE, attribute: 'promedio' };
  const written = decimalAttr(d.asignaturas.promedio);
  if (!grades.complete || grades.list.some((g) => !given(g.subject.idTipoAsignatura))) {
    out.push(skip('DEC-PROMEDIO', 'A grade or idTipoAsignatura is missing or not a number', where));
    return;
  }
  const counted = grades.list.filter((g) => g.subject.idTipoAsignatura !== TIPO_ASIGNATURA_COMPLEMENTARIA).map((g) => g.calificacion);
  const mean = truncatedMean(counted, 2);
  if (mean === undefined) out.push(skip('DEC-PROMEDIO', 'Every listed subject is COMPLEMENTARIA: there is no average', where));
  else if (written === undefined) out.push(skip('DEC-PROMEDIO', 'promedio is missing or not a number', where));
  else {
    compare(
      'DEC-PROMEDIO',
      'promedio',
      d.asignaturas.promedio,
      formatGrade(mean),
      sameDecimal(written, mean),
      `the mean of ${counted.length} grade(s) without complementarias, truncated to two decimals`,
      out,
    );
  }
}

/** §4.3 [CONFLICT]: distinct `ciclo` values (default) or the plan's number of cycles, per DecOptions. */
function checkNumeroCiclos(d: Dec, plan: RegisteredPlan | undefined, options: DecOptions, out: CheckResult[]): void {
  const where = { node: NODE, attribute: 'numeroCiclos' };
  const written = integerAttr(d.asignaturas.numeroCiclos);
  if (written === undefined) {
    out.push(skip('DEC-NUMERO-CICLOS', 'numeroCiclos is missing or not an integer', where));
    return;
  }
  if (options.numeroCiclosRule === 'plan') {
    if (plan === undefined) out.push(skip('DEC-NUMERO-CICLOS', 'No registered plan to read the number of cycles from', where));
    else compare('DEC-NUMERO-CICLOS', 'numeroCiclos', d.asignaturas.numeroCiclos, String(plan.numeroCiclos), written === plan.numeroCiclos, `plan ${plan.clavePlan}'s number of cycles`, out);
    return;
  }
  if (d.subjects.some((s) => !given(s.ciclo))) {
    out.push(skip('DEC-NUMERO-CICLOS', 'A subject has no ciclo', where));
    return;
  }
  const distinct = new Set(d.subjects.map((s) => s.ciclo)).size;
  compare('DEC-NUMERO-CICLOS', 'numeroCiclos', d.asignaturas.numeroCiclos, String(distinct), written === distinct, 'the number of distinct ciclo values', out);
}

/** A TOTAL (79) certificate lists every subject of the plan and earns all its credits (§4.2, S4). */
function checkCertificadoTotal(d: Dec, plan: RegisteredPlan | undefined, passed: Decimal | undefined, out: CheckResult[]): void {
  const tipo = d.expedicion.idTipoCertificacion;
  const where = { node: 'Expedicion', attribute: 'idTipoCertificacion' };
  if (tipo !== TIPO_CERTIFICACION_TOTAL) {
    out.push(ok('DEC-CERTIFICADO-TOTAL', `idTipoCertificacion ${tipo ?? '(none)'} is not TOTAL: no completeness requirement`, where));
    return;
  }
  if (plan === undefined) {
    out.push(skip('DEC-CERTIFICADO-TOTAL', 'No registered plan to check completeness against', where));
    return;
  }
  if (d.subjects.some((s) => !given(s.idAsignatura))) {
    out.push(skip('DEC-CERTIFICADO-TOTAL', 'A subject has no idAsignatura: completeness cannot be judged', where));
    return;
  }
  const listed = new Set(d.subjects.map((s) => s.idAsignatura));
  const missing = [...plan.asignaturas.keys()].filter((id) => !listed.has(id));
  const sepMessage = invalidValue('idTipoCertificacion', 'Expedicion', tipo);
  if (missing.length > 0) {
    out.push(
      fail('DEC-CERTIFICADO-TOTAL', `A TOTAL certificate must list every subject of plan ${plan.clavePlan}; ${missing.length} missing: ${missing.join(', ')}`, sepMessage, {
        ...where,
        expected: `all ${plan.asignaturas.size} subjects of the plan`,
        found: `missing idAsignatura ${missing.join(', ')}`,
      }),
    );
    return;
  }
  const total = parseDecimal(plan.totalCreditos);
  if (passed === undefined || total === undefined) {
    out.push(skip('DEC-CERTIFICADO-TOTAL', 'The earned credits could not be computed', where));
  } else if (compareDecimal(passed, total) < 0) {
    out.push(
      fail('DEC-CERTIFICADO-TOTAL', `A TOTAL certificate must earn all ${plan.totalCreditos} credits of the plan; the passed subjects give ${formatDecimal(passed)}`, sepMessage, {
        ...where,
        expected: `creditos obtenidos = ${plan.totalCreditos}`,
        found: formatDecimal(passed),
      }),
    );
  } else {
    out.push(ok('DEC-CERTIFICADO-TOTAL', 'TOTAL: every subject of the plan is listed and all its credits earned', where));
  }
}
