/**
 * The DEC against the data the institution registered with the MEC beforehand (spec
 * mec-certificados.md §3.10, §4.6): its MEC id, its campuses, and the plan ("layout") each
 * certificate is issued for. MEC validates against these tables (§3.10 [INF], S2 checks every id
 * against its own copy); the exact comparisons SEP makes are not public, so each one here is the
 * emulator's reading of the layout's columns.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import type { RegisteredPlan } from '../planes/plan.js';
import { notCheckedOffline, type DecRegistry, type RegisteredCampus } from './context.js';
import { decimalOfNumber, parseDecimal, sameDecimal } from './decimal.js';
import { decDate } from './formats.js';
import { given, type Dec } from './model.js';
import { asignaturaRepeated, invalidValue, planNotRegistered } from './sep-messages.js';

/** What later checks need from the registries: the campus and the plan, when found. */
export interface Registered {
  readonly campus: RegisteredCampus | undefined;
  readonly plan: RegisteredPlan | undefined;
}

function sameValue(code: CheckCode, node: string, attribute: string, written: string | undefined, registered: string, what: string, out: CheckResult[]): void {
  const where = { node, attribute };
  if (!given(written)) out.push(skip(code, `${node}/@${attribute} is missing`, where));
  else if (written === registered) out.push(ok(code, `${node}/@${attribute} ${written} is ${what}`, where));
  else out.push(fail(code, `${node}/@${attribute} ${written} is not ${what} (${registered})`, invalidValue(attribute, node, written), { ...where, expected: registered, found: written }));
}

/** The registry checks; `registry` null (offline) skips every one of them but DEC-ASIGNATURA-REPETIDA. */
export function checkRegistered(d: Dec, registry: DecRegistry | null, out: CheckResult[]): Registered {
  if (registry === null) {
    for (const [code, node, attribute] of OFFLINE_SKIPPED) out.push(notCheckedOffline(code, { node, attribute }));
    checkSubjects(d, undefined, out);
    return { campus: undefined, plan: undefined };
  }
  const institution = registry.institution;
  const mecId = institution.idNombreInstitucion;
  sameValue('DEC-SERVICIO-FIRMANTE', 'ServicioFirmante', 'idEntidad', d.servicioFirmante.idEntidad, mecId, "the institution's MEC id (§1.3)", out);
  sameValue('DEC-INSTITUCION', 'Ipes', 'idNombreInstitucion', d.ipes.idNombreInstitucion, mecId, "the institution's MEC id", out);

  const campus = checkCampus(d, registry, out);
  const plan = checkPlan(d, registry, out);
  checkSubjects(d, plan, out);
  return { campus, plan };
}

function checkCampus(d: Dec, ctx: DecRegistry, out: CheckResult[]): RegisteredCampus | undefined {
  const idCampus = d.ipes.idCampus;
  const where = { node: 'Ipes', attribute: 'idCampus' };
  const campus = given(idCampus) ? ctx.institution.campuses.get(idCampus) : undefined;
  if (!given(idCampus)) {
    out.push(skip('DEC-CAMPUS', 'idCampus is missing', where));
  } else if (campus === undefined) {
    out.push(
      fail('DEC-CAMPUS', `idCampus ${idCampus} is not a campus registered by institution ${ctx.institution.idNombreInstitucion}`, invalidValue('idCampus', 'Ipes', idCampus), {
        ...where,
        expected: [...ctx.institution.campuses.keys()].join(', '),
        found: idCampus,
      }),
    );
  } else {
    out.push(ok('DEC-CAMPUS', `idCampus ${idCampus} is a registered campus`, where));
  }
  if (campus === undefined) {
    out.push(skip('DEC-CAMPUS-ENTIDAD', 'The campus is not registered: its entidad is unknown', { node: 'Ipes', attribute: 'idEntidadFederativa' }));
  } else {
    sameValue('DEC-CAMPUS-ENTIDAD', 'Ipes', 'idEntidadFederativa', d.ipes.idEntidadFederativa, campus.idEntidadFederativa, "the campus's registered entidad", out);
  }
  return campus;
}

const PLAN_CODES: readonly CheckCode[] = ['DEC-RVOE', 'DEC-PLAN-PERIODO', 'DEC-PLAN-NIVEL', 'DEC-PLAN-ESCALA'];

/** What checkRegistered records as skipped offline, where the online checks would point. */
const OFFLINE_SKIPPED: readonly (readonly [CheckCode, string, string | undefined])[] = [
  ['DEC-SERVICIO-FIRMANTE', 'ServicioFirmante', 'idEntidad'],
  ['DEC-INSTITUCION', 'Ipes', 'idNombreInstitucion'],
  ['DEC-CAMPUS', 'Ipes', 'idCampus'],
  ['DEC-CAMPUS-ENTIDAD', 'Ipes', 'idEntidadFederativa'],
  ['DEC-PLAN', 'Carrera', 'clavePlan'],
  ...PLAN_CODES.map((code) => [code, 'Carrera', undefined] as const),
];

function checkPlan(d: Dec, ctx: DecRegistry, out: CheckResult[]): RegisteredPlan | undefined {
  const { idCarrera, clavePlan } = d.carrera;
  const where = { node: 'Carrera', attribute: 'clavePlan' };
  if (!given(idCarrera) || !given(clavePlan)) {
    out.push(skip('DEC-PLAN', 'idCarrera or clavePlan is missing', where));
    for (const code of PLAN_CODES) out.push(skip(code, 'No plan to compare with', { node: 'Carrera' }));
    return undefined;
  }
  const plan = ctx.plan(idCarrera, clavePlan);
  if (plan === undefined) {
    out.push(
      fail('DEC-PLAN', `No plan registered for idCarrera ${idCarrera} with clavePlan ${clavePlan} (the layout is registered with SEP beforehand, §4.6)`, planNotRegistered(idCarrera, clavePlan), {
        ...where,
        expected: 'a registered idCarrera + clavePlan',
        found: `idCarrera ${idCarrera}, clavePlan ${clavePlan}`,
      }),
    );
    for (const code of PLAN_CODES) out.push(skip(code, 'The plan is not registered', { node: 'Carrera' }));
    return undefined;
  }
  out.push(ok('DEC-PLAN', `Plan ${clavePlan} of carrera ${idCarrera} is registered`, where));
  checkRvoe(d, plan, out);
  sameValue('DEC-PLAN-PERIODO', 'Carrera', 'idTipoPeriodo', d.carrera.idTipoPeriodo, plan.idTipoPeriodo, "the plan's tipo de periodo", out);
  sameValue('DEC-PLAN-NIVEL', 'Carrera', 'idNivelEstudios', d.carrera.idNivelEstudios, plan.idNivelEstudios, "the plan's nivel de estudios", out);
  checkEscala(d, plan, out);
  return plan;
}

function checkRvoe(d: Dec, plan: RegisteredPlan, out: CheckResult[]): void {
  const start = out.length;
  const { numero, fechaExpedicion } = d.rvoe;
  if (given(numero) && numero !== plan.rvoe.numero) {
    out.push(
      fail('DEC-RVOE', `Rvoe/@numero ${numero} is not the plan's RVOE ${plan.rvoe.numero}`, invalidValue('numero', 'Rvoe', numero), {
        node: 'Rvoe',
        attribute: 'numero',
        expected: plan.rvoe.numero,
        found: numero,
      }),
    );
  }
  const fecha = decDate(fechaExpedicion);
  if (given(fechaExpedicion) && fecha !== undefined && fecha !== plan.rvoe.fecha) {
    out.push(
      fail('DEC-RVOE', `Rvoe/@fechaExpedicion ${fecha} is not the plan's RVOE date ${plan.rvoe.fecha}`, invalidValue('fechaExpedicion', 'Rvoe', fechaExpedicion), {
        node: 'Rvoe',
        attribute: 'fechaExpedicion',
        expected: `${plan.rvoe.fecha}T00:00:00`,
        found: fechaExpedicion,
      }),
    );
  }
  if (out.length === start) out.push(ok('DEC-RVOE', `RVOE ${plan.rvoe.numero} of ${plan.rvoe.fecha}, as registered`, { node: 'Rvoe' }));
}

/** Numeric comparison: `6.00` in the DEC is the plan's 6 (formats are DEC-GRADE-FORMAT's). */
function checkEscala(d: Dec, plan: RegisteredPlan, out: CheckResult[]): void {
  const start = out.length;
  const pairs = [
    ['calificacionMinima', d.carrera.calificacionMinima, plan.calificacionMinima],
    ['calificacionMaxima', d.carrera.calificacionMaxima, plan.calificacionMaxima],
    ['calificacionMinimaAprobatoria', d.carrera.calificacionMinimaAprobatoria, plan.calificacionMinimaAprobatoria],
  ] as const;
  for (const [attribute, written, registered] of pairs) {
    if (!given(written)) continue;
    const value = parseDecimal(written);
    const expected = decimalOfNumber(registered);
    if (value === undefined || expected === undefined || sameDecimal(value, expected)) continue;
    out.push(
      fail('DEC-PLAN-ESCALA', `Carrera/@${attribute} ${written} is not the plan's ${registered}`, invalidValue(attribute, 'Carrera', written), {
        node: 'Carrera',
        attribute,
        expected: String(registered),
        found: written,
      }),
    );
  }
  if (out.length === start) out.push(ok('DEC-PLAN-ESCALA', "The grading scale is the plan's", { node: 'Carrera' }));
}

/** DEC-ASIGNATURA-REPETIDA, then per subject: in the plan, with the plan's tipo and creditos. */
function checkSubjects(d: Dec, plan: RegisteredPlan | undefined, out: CheckResult[]): void {
  const seen = new Set<string>();
  const repeated: CheckResult[] = [];
  for (const s of d.subjects) {
    if (!given(s.idAsignatura)) continue;
    if (seen.has(s.idAsignatura)) {
      repeated.push(
        fail('DEC-ASIGNATURA-REPETIDA', `${s.node}: idAsignatura ${s.idAsignatura} is listed more than once (each subject once, with the cycle it was passed in)`, asignaturaRepeated(s.idAsignatura), {
          node: s.node,
          attribute: 'idAsignatura',
          found: s.idAsignatura,
        }),
      );
    }
    seen.add(s.idAsignatura);
  }
  if (repeated.length) out.push(...repeated);
  else out.push(ok('DEC-ASIGNATURA-REPETIDA', `${seen.size} subject(s), none repeated`, { node: 'Asignaturas' }));

  const codes = ['DEC-ASIGNATURA-PLAN', 'DEC-ASIGNATURA-TIPO', 'DEC-ASIGNATURA-CREDITOS'] as const;
  if (plan === undefined) {
    for (const code of codes) out.push(skip(code, 'No registered plan to compare the subjects with', { node: 'Asignaturas' }));
    return;
  }
  const issues: Record<(typeof codes)[number], CheckResult[]> = { 'DEC-ASIGNATURA-PLAN': [], 'DEC-ASIGNATURA-TIPO': [], 'DEC-ASIGNATURA-CREDITOS': [] };
  for (const s of d.subjects) {
    if (!given(s.idAsignatura)) continue;
    const registered = plan.asignaturas.get(s.idAsignatura);
    if (registered === undefined) {
      issues['DEC-ASIGNATURA-PLAN'].push(
        fail('DEC-ASIGNATURA-PLAN', `${s.node}: idAsignatura ${s.idAsignatura} is not a subject of plan ${plan.clavePlan}`, invalidValue('idAsignatura', s.node, s.idAsignatura), {
          node: s.node,
          attribute: 'idAsignatura',
          found: s.idAsignatura,
        }),
      );
      continue;
    }
    if (given(s.idTipoAsignatura) && s.idTipoAsignatura !== registered.idTipoAsignatura) {
      issues['DEC-ASIGNATURA-TIPO'].push(
        fail('DEC-ASIGNATURA-TIPO', `${s.node}: subject ${s.idAsignatura} is registered as tipo ${registered.idTipoAsignatura}`, invalidValue('idTipoAsignatura', s.node, s.idTipoAsignatura), {
          node: s.node,
          attribute: 'idTipoAsignatura',
          expected: registered.idTipoAsignatura,
          found: s.idTipoAsignatura,
        }),
      );
    }
    const written = given(s.creditos) ? parseDecimal(s.creditos) : undefined;
    const expected = parseDecimal(registered.creditos);
    if (written !== undefined && expected !== undefined && !sameDecimal(written, expected)) {
      issues['DEC-ASIGNATURA-CREDITOS'].push(
        fail('DEC-ASIGNATURA-CREDITOS', `${s.node}: subject ${s.idAsignatura} is registered with ${registered.creditos} credits`, invalidValue('creditos', s.node, s.creditos ?? ''), {
          node: s.node,
          attribute: 'creditos',
          expected: registered.creditos,
          found: s.creditos,
        }),
      );
    }
  }
  for (const code of codes) {
    const list = issues[code];
    if (list.length) out.push(...list);
    else out.push(ok(code, `Every listed subject checked against plan ${plan.clavePlan}`, { node: 'Asignaturas' }));
  }
}
