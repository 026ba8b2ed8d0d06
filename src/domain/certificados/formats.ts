/**
 * Lexical formats of a DEC (spec mec-certificados.md §4.1, §2.2). Absent or empty values are not
 * judged here: a missing required value is DEC-ATTR-REQUIRED's job, and an empty optional one
 * counts as absent, as in the cadena.
 */
import { fail, ok, type CheckResult } from '../checks.js';
import { isCanonicalInteger } from '../catalogs/catalog.js';
import { isCurp, isIsoDate } from '../shared/formats.js';
import type { DecOptions } from './context.js';
import { cadenaFields } from './cadena.js';
import { given, type Dec } from './model.js';
import { invalidValue } from './sep-messages.js';
import { valueChecker, type CheckedField } from '../shared/value-checks.js';

const DATE_TIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T00:00:00$/;

/**
 * The date part of a DEC date, which must be `AAAA-MM-DDT00:00:00`: a real calendar date, the time
 * exactly midnight, no zone and no fraction (§4.1; S6's `T12:00:00` from a 12-hour clock, §5 #4).
 */
export function decDate(written: string | undefined): string | undefined {
  if (written === undefined) return undefined;
  const m = DATE_TIME.exec(written);
  return m !== null && isIsoDate(m[1] as string) ? (m[1] as string) : undefined;
}

const TWO_DECIMALS = /^(?:0|[1-9][0-9]*)\.[0-9]{2}$/;

/** A grade or promedio: two decimals (`9.00`, `8.50`) and 10 written `10` (§4.1; `10.00` only by option). */
export function isGrade(written: string, acceptTenWithDecimals: boolean): boolean {
  if (written === '10') return true;
  if (!TWO_DECIMALS.test(written)) return false;
  return acceptTenWithDecimals || written !== '10.00';
}

/** calificacionMinimaAprobatoria: always two decimals (`6.00`, §1.6). */
export function isTwoDecimals(written: string): boolean {
  return TWO_DECIMALS.test(written);
}

const CREDITS = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** Credits: a decimal number (typically two places, `6.25`, §4.1). */
export function isCredits(written: string): boolean {
  return CREDITS.test(written);
}

/** `AAAA-C`: year, hyphen, one-digit period, no spaces (§1.9, FAQ: "ej. 2016-1"). */
const CICLO = /^[0-9]{4}-[1-9]$/;

export function isCiclo(written: string): boolean {
  return CICLO.test(written);
}

export const EXTRANJERO = 'EXTRANJERO';

/** Alumno/@curp: a CURP, or the word EXTRANJERO for foreign students (§1.7, §4.4). */
export function isAlumnoCurp(written: string): boolean {
  return written === EXTRANJERO || isCurp(written);
}

/** §1.2: SEP does not admit folios longer than 40 characters (S4). */
export const FOLIO_CONTROL_MAX = 40;

const checkAll = valueChecker(invalidValue);

export function checkFormats(d: Dec, options: DecOptions, out: CheckResult[]): void {
  const { carrera: c, asignaturas: a } = d;
  const subjects = d.subjects;
  const each = (attribute: 'idAsignatura' | 'idTipoAsignatura' | 'idObservaciones' | 'calificacion' | 'creditos' | 'ciclo'): CheckedField[] =>
    subjects.map((s) => ({ node: s.node, attribute, value: s[attribute] }));

  checkAll(
    'DEC-DATE-FORMAT',
    'a real calendar date written AAAA-MM-DDT00:00:00',
    'AAAA-MM-DDT00:00:00',
    [
      { node: 'Rvoe', attribute: 'fechaExpedicion', value: d.rvoe.fechaExpedicion },
      { node: 'Alumno', attribute: 'fechaNacimiento', value: d.alumno.fechaNacimiento },
      { node: 'Expedicion', attribute: 'fecha', value: d.expedicion.fecha },
    ],
    (v) => decDate(v) !== undefined,
    out,
  );
  checkAll(
    'DEC-INTEGER-FORMAT',
    'an integer without sign or leading zeros',
    'integer, no leading zeros',
    [
      { node: 'Dec', attribute: 'tipoCertificado', value: d.tipoCertificado },
      { node: 'Responsable', attribute: 'idCargo', value: d.responsable.idCargo },
      { node: 'Carrera', attribute: 'idCarrera', value: c.idCarrera },
      { node: 'Carrera', attribute: 'idTipoPeriodo', value: c.idTipoPeriodo },
      { node: 'Carrera', attribute: 'idNivelEstudios', value: c.idNivelEstudios },
      { node: 'Alumno', attribute: 'idGenero', value: d.alumno.idGenero },
      { node: 'Expedicion', attribute: 'idTipoCertificacion', value: d.expedicion.idTipoCertificacion },
      { node: 'Asignaturas', attribute: 'total', value: a.total },
      { node: 'Asignaturas', attribute: 'asignadas', value: a.asignadas },
      { node: 'Asignaturas', attribute: 'numeroCiclos', value: a.numeroCiclos },
      ...each('idAsignatura'),
      ...each('idTipoAsignatura'),
      ...each('idObservaciones'),
    ],
    isCanonicalInteger,
    out,
  );
  checkGrades(d, options, out);
  checkAll(
    'DEC-CREDITS-FORMAT',
    'a decimal number',
    'decimal, e.g. 6.25',
    [{ node: 'Asignaturas', attribute: 'totalCreditos', value: a.totalCreditos }, { node: 'Asignaturas', attribute: 'creditosObtenidos', value: a.creditosObtenidos }, ...each('creditos')],
    isCredits,
    out,
  );
  checkAll('DEC-CICLO-FORMAT', 'a cycle written AAAA-C', 'AAAA-C, e.g. 2019-1', each('ciclo'), isCiclo, out);
  checkCurps(d, out);
  checkFolio(d.folioControl, out);
  checkPipes(d, out);
}

function checkGrades(d: Dec, options: DecOptions, out: CheckResult[]): void {
  const { carrera: c } = d;
  const start = out.length;
  const gradeExpected = options.acceptTenWithDecimals ? 'two decimals (9.00); 10 or 10.00' : 'two decimals (9.00); 10 without decimals';
  const fields: (CheckedField & { test: (v: string) => boolean; expected: string; what: string })[] = [
    { node: 'Carrera', attribute: 'calificacionMinima', value: c.calificacionMinima, test: isCanonicalInteger, expected: 'integer without decimals, e.g. 5', what: 'an integer' },
    { node: 'Carrera', attribute: 'calificacionMaxima', value: c.calificacionMaxima, test: isCanonicalInteger, expected: 'integer without decimals, e.g. 10', what: 'an integer' },
    {
      node: 'Carrera',
      attribute: 'calificacionMinimaAprobatoria',
      value: c.calificacionMinimaAprobatoria,
      test: isTwoDecimals,
      expected: 'two decimals, e.g. 6.00',
      what: 'written with two decimals',
    },
  ];
  const grade = (v: string) => isGrade(v, options.acceptTenWithDecimals);
  fields.push({ node: 'Asignaturas', attribute: 'promedio', value: d.asignaturas.promedio, test: grade, expected: gradeExpected, what: 'a grade as SEP writes it' });
  for (const s of d.subjects) {
    fields.push({ node: s.node, attribute: 'calificacion', value: s.calificacion, test: grade, expected: gradeExpected, what: 'a grade as SEP writes it' });
  }
  let checked = 0;
  for (const { node, attribute, value, test, expected, what } of fields) {
    if (!given(value)) continue;
    checked++;
    if (test(value)) continue;
    out.push(fail('DEC-GRADE-FORMAT', `${node}/@${attribute} ${value} is not ${what}`, invalidValue(attribute, node, value), { node, attribute, expected, found: value }));
  }
  if (out.length === start) out.push(ok('DEC-GRADE-FORMAT', `${checked} grade value(s) checked: each is written as SEP asks`));
}

function checkCurps(d: Dec, out: CheckResult[]): void {
  const start = out.length;
  const { responsable: r, alumno: a } = d;
  if (given(r.curp) && !isCurp(r.curp)) {
    out.push(fail('DEC-CURP-FORMAT', 'Responsable/@curp is not a CURP', invalidValue('curp', 'Responsable', r.curp), { node: 'Responsable', attribute: 'curp', expected: '18-character CURP', found: r.curp }));
  }
  if (given(a.curp) && !isAlumnoCurp(a.curp)) {
    out.push(
      fail('DEC-CURP-FORMAT', 'Alumno/@curp is neither a CURP nor EXTRANJERO', invalidValue('curp', 'Alumno', a.curp), {
        node: 'Alumno',
        attribute: 'curp',
        expected: `18-character CURP or ${EXTRANJERO}`,
        found: a.curp,
      }),
    );
  }
  if (out.length === start) out.push(ok('DEC-CURP-FORMAT', a.curp === EXTRANJERO ? 'Responsable CURP well formed; the student is EXTRANJERO' : 'Both CURPs are well formed'));
}

function checkFolio(folioControl: string | undefined, out: CheckResult[]): void {
  const where = { node: 'Dec', attribute: 'folioControl' };
  const length = folioControl === undefined ? 0 : [...folioControl].length;
  if (given(folioControl) && length > FOLIO_CONTROL_MAX) {
    out.push(
      fail('DEC-FOLIO-FORMAT', `folioControl has ${length} characters; SEP admits at most ${FOLIO_CONTROL_MAX}`, invalidValue('folioControl', 'Dec', folioControl), {
        ...where,
        expected: `at most ${FOLIO_CONTROL_MAX} characters`,
        found: folioControl,
      }),
    );
  } else {
    out.push(ok('DEC-FOLIO-FORMAT', `folioControl has ${length} characters (at most ${FOLIO_CONTROL_MAX})`, where));
  }
}

/** A `|` inside a value would shift every later cadena field (§2.2: "Prohibido: pipe"). */
function checkPipes(d: Dec, out: CheckResult[]): void {
  const start = out.length;
  for (const field of cadenaFields(d)) {
    if (field.value === undefined || !field.value.includes('|')) continue;
    out.push(
      fail('DEC-PIPE', `${field.node}/@${field.attribute} contains |, the cadena's field separator`, invalidValue(field.attribute, field.node, field.value), {
        node: field.node,
        attribute: field.attribute,
        expected: 'no | character',
        found: field.value,
      }),
    );
  }
  if (out.length === start) out.push(ok('DEC-PIPE', 'No value that enters the cadena contains |'));
}
