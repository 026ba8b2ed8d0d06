/**
 * Lexical formats (spec §2.1–§2.6): dates, integer ids, CURPs, e-mail, cumplioServicioSocial.
 * Absent or empty values are not judged here: a missing required value is TIT-ATTR-REQUIRED's job,
 * and an empty optional one counts as absent, as in the cadena (§3.2).
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import { integerIdKey } from '../catalogs/titulos.js';
import { isCurp, isIsoDate } from '../shared/formats.js';
import { given, type TituloElectronico } from './model.js';
import { invalidValue } from './sep-messages.js';
import { valueChecker } from '../shared/value-checks.js';

export { CURP_PATTERN, isCurp, isIsoDate } from '../shared/formats.js';

export function isIntegerId(s: string): boolean {
  return integerIdKey(s) !== undefined;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function isEmail(s: string): boolean {
  return EMAIL_PATTERN.test(s);
}

export function isServicioSocial(s: string): boolean {
  return s === '0' || s === '1';
}

const checkAll = valueChecker(invalidValue);

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
