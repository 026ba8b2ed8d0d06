/**
 * Lexical formats (spec §2.1–§2.6): dates, integer ids, CURPs, e-mail, cumplioServicioSocial.
 * Absent or empty values are not judged here: a missing required value is TIT-ATTR-REQUIRED's job,
 * and an empty optional one counts as absent, as in the cadena (§3.2).
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import { integerIdKey } from '../catalogs/titulos.js';
import { given, type TituloElectronico } from './model.js';
import { invalidValue } from './sep-messages.js';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * A real calendar date written AAAA-MM-DD with no zone (§2.1). JAXB's `2020-03-01-06:00` is
 * xs:date-valid but is rejected: it breaks the cadena SEP rebuilds (§5.3 #4).
 */
export function isIsoDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const d = digitAt(s, i);
    if (d < 0) return false;
    year = year * 10 + d;
  }
  const m1 = digitAt(s, 5), m2 = digitAt(s, 6), d1 = digitAt(s, 8), d2 = digitAt(s, 9);
  if (m1 < 0 || m2 < 0 || d1 < 0 || d2 < 0 || year === 0) return false;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const max = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  return day <= max;
}

export function isIntegerId(s: string): boolean {
  return integerIdKey(s) !== undefined;
}

/**
 * RENAPO's CURP shape: 4 letters, birth date, sex (H, M, or X since 2023), state code (NE for
 * foreign-born), 3 internal consonants, homonym differentiator, check digit.
 */
export const CURP_PATTERN =
  /^[A-Z][AEIOUX][A-Z]{2}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[HMX](?:AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$/;

export function isCurp(s: string): boolean {
  return CURP_PATTERN.test(s);
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function isEmail(s: string): boolean {
  return EMAIL_PATTERN.test(s);
}

export function isServicioSocial(s: string): boolean {
  return s === '0' || s === '1';
}

interface Field {
  readonly node: string;
  readonly attribute: string;
  readonly value: string | undefined;
}

function checkAll(code: CheckCode, what: string, expected: string, fields: readonly Field[], test: (v: string) => boolean, out: CheckResult[]): void {
  let errors = 0;
  let checked = 0;
  for (const { node, attribute, value } of fields) {
    if (!given(value)) continue;
    checked++;
    if (test(value)) continue;
    errors++;
    out.push(fail(code, `${node}/@${attribute} is not ${what}`, invalidValue(attribute, node, value), { node, attribute, expected, found: value }));
  }
  if (errors === 0) out.push(ok(code, `${checked} value(s) checked: each is ${what}`));
}

/** TituloElectronico/@version is fixed `1.0` (§2.2, §2.3). A missing one is TIT-ATTR-REQUIRED's. */
export function checkVersion(version: string | undefined, out: CheckResult[]): void {
  const node = 'TituloElectronico';
  if (!given(version)) out.push(skip('TIT-VERSION', 'version is missing', { node, attribute: 'version' }));
  else if (version === '1.0') out.push(ok('TIT-VERSION', 'version is 1.0', { node, attribute: 'version' }));
  else out.push(fail('TIT-VERSION', `version ${version} is not 1.0`, invalidValue('version', node, version), { node, attribute: 'version', expected: '1.0', found: version }));
}

export function checkFormats(t: TituloElectronico, out: CheckResult[]): void {
  const { carrera: c, expedicion: e, antecedente: a, profesionista: p } = t;
  checkAll(
    'TIT-DATE-FORMAT',
    'a real calendar date written AAAA-MM-DD',
    'AAAA-MM-DD',
    [
      { node: 'Carrera', attribute: 'fechaInicio', value: c.fechaInicio },
      { node: 'Carrera', attribute: 'fechaTerminacion', value: c.fechaTerminacion },
      { node: 'Expedicion', attribute: 'fechaExpedicion', value: e.fechaExpedicion },
      { node: 'Expedicion', attribute: 'fechaExamenProfesional', value: e.fechaExamenProfesional },
      { node: 'Expedicion', attribute: 'fechaExencionExamenProfesional', value: e.fechaExencionExamenProfesional },
      { node: 'Antecedente', attribute: 'fechaInicio', value: a.fechaInicio },
      { node: 'Antecedente', attribute: 'fechaTerminacion', value: a.fechaTerminacion },
    ],
    isIsoDate,
    out,
  );
  checkAll(
    'TIT-INTEGER-FORMAT',
    'an integer',
    'xs:integer',
    [
      ...t.firmas.map((f) => ({ node: f.node, attribute: 'idCargo', value: f.idCargo })),
      { node: 'Carrera', attribute: 'idAutorizacionReconocimiento', value: c.idAutorizacionReconocimiento },
      { node: 'Expedicion', attribute: 'idModalidadTitulacion', value: e.idModalidadTitulacion },
      { node: 'Expedicion', attribute: 'idFundamentoLegalServicioSocial', value: e.idFundamentoLegalServicioSocial },
      { node: 'Antecedente', attribute: 'idTipoEstudioAntecedente', value: a.idTipoEstudioAntecedente },
    ],
    isIntegerId,
    out,
  );
  checkAll(
    'TIT-CURP-FORMAT',
    'a CURP',
    '18-character CURP',
    [...t.firmas.map((f) => ({ node: f.node, attribute: 'curp', value: f.curp })), { node: 'Profesionista', attribute: 'curp', value: p.curp }],
    isCurp,
    out,
  );
  checkAll('TIT-EMAIL-FORMAT', 'an e-mail address', 'usuario@dominio', [{ node: 'Profesionista', attribute: 'correoElectronico', value: p.correoElectronico }], isEmail, out);
  checkAll('TIT-SERVICIO-SOCIAL', '0 or 1', '0 | 1', [{ node: 'Expedicion', attribute: 'cumplioServicioSocial', value: e.cumplioServicioSocial }], isServicioSocial, out);
}
