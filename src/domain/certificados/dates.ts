/**
 * Date rules (spec mec-certificados.md §4.5): the expedition date window against the
 * authentication date, and a plausible birth date.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import { daysBetween, yearsBetween } from '../shared/formats.js';
import type { DecOptions } from './context.js';
import { decDate } from './formats.js';
import type { Dec } from './model.js';
import { invalidValue } from './sep-messages.js';

/**
 * Expedicion/@fecha must be 1 to 90 days before the authentication date and never after it (FAQ,
 * §4.5); producers back-date by 2 days (S3, S10). The window is DecOptions.expedicionWindowDays.
 */
export function checkExpedicionFecha(d: Dec, today: string, options: DecOptions, out: CheckResult[]): void {
  const node = 'Expedicion';
  const attribute = 'fecha';
  const written = d.expedicion.fecha;
  const fecha = decDate(written);
  if (written === undefined || fecha === undefined) {
    out.push(skip('DEC-EXPEDICION-FECHA', 'Expedicion/@fecha is missing or not a date', { node, attribute }));
    return;
  }
  const { min, max } = options.expedicionWindowDays;
  const days = daysBetween(fecha, today);
  const where = { node, attribute, expected: `${min} to ${max} days before ${today}`, found: written };
  if (days >= min && days <= max) {
    out.push(ok('DEC-EXPEDICION-FECHA', `Expedicion/@fecha ${fecha} is ${days} day(s) before the authentication date ${today}`, where));
    return;
  }
  const when = days < 0 ? `${-days} day(s) after` : days === 0 ? 'the same day as' : `${days} day(s) before`;
  out.push(
    fail('DEC-EXPEDICION-FECHA', `Expedicion/@fecha ${fecha} is ${when} the authentication date ${today}; it must be ${min} to ${max} days before`, invalidValue(attribute, node, written), where),
  );
}

/**
 * Alumno/@fechaNacimiento: not in the future, and an age on the expedition date within
 * DecOptions.alumnoAgeYears (default 15 to 100). Not a known SEP rule: this emulator's guard against
 * swapped or mistyped dates (S3 derives the birth date from the CURP for the same reason).
 */
export function checkFechaNacimiento(d: Dec, today: string, options: DecOptions, out: CheckResult[]): void {
  const node = 'Alumno';
  const attribute = 'fechaNacimiento';
  const written = d.alumno.fechaNacimiento;
  const birth = decDate(written);
  if (written === undefined || birth === undefined) {
    out.push(skip('DEC-FECHA-NACIMIENTO', 'fechaNacimiento is missing or not a date', { node, attribute }));
    return;
  }
  const on = decDate(d.expedicion.fecha) ?? today;
  const { min, max } = options.alumnoAgeYears;
  const age = yearsBetween(birth, on);
  const where = { node, attribute, expected: `born on or before ${today}, aged ${min} to ${max} on ${on}`, found: written };
  let problem: string | undefined;
  if (birth > today) problem = `is after the authentication date ${today}`;
  else if (age < min) problem = `makes the student ${age} on ${on}, younger than ${min}`;
  else if (age > max) problem = `makes the student ${age} on ${on}, older than ${max}`;
  if (problem === undefined) out.push(ok('DEC-FECHA-NACIMIENTO', `The student is ${age} on ${on}`, where));
  else out.push(fail('DEC-FECHA-NACIMIENTO', `fechaNacimiento ${birth} ${problem}`, invalidValue(attribute, node, written), where));
}
