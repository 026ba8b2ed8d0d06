/**
 * SEP's catalogs for the TituloElectronico v1.0, as data (spec met-titulos.md §4).
 *
 * Texts are SEP's workbook texts WITHOUT the workbook's stray trailing spaces: SEP rejected
 * `RESPONSABLE DE EXPEDICIÓN ` (with the workbook's trailing space) as "Nombre de cargo no válido"
 * (§4.1, §5.3 #1), so the canonical text is the trimmed one. Accents are part of the text.
 *
 * Integer catalogs are keyed by the canonical decimal form of the id (`3`); entidades are keyed by
 * their two-character string (`07`), because SEP types those ids as strings and rejected `7` (§4.6).
 */

import { catalog, type CatalogEntry } from './catalog.js';

export { integerIdKey, lookupInteger, type Catalog, type CatalogEntry } from './catalog.js';

const WORKBOOK_2018 = 'TituloElectronico v1.0 (2018)';
const WORKBOOK_SOURCE = "SEP's catalog workbook (W3 plantilla.xlsx) cross-checked with W2's SQL dumps; spec met-titulos.md §4";

/** §4.1. Ids 0 and 11 come only from two recent, possibly related sources (spec §8 question 9). */
export const CARGOS = catalog('cargo', WORKBOOK_2018, WORKBOOK_SOURCE, [
  { id: '0', text: 'SECRETARIO DE EDUCACIÓN PÚBLICA', uncertain: 'cargo 0 is known only from two recent, possibly related sources (spec §4.1)' },
  { id: '1', text: 'DIRECTOR' },
  { id: '2', text: 'SUBDIRECTOR' },
  { id: '3', text: 'RECTOR' },
  { id: '4', text: 'VICERRECTOR' },
  { id: '5', text: 'RESPONSABLE DE EXPEDICIÓN' },
  { id: '6', text: 'SECRETARIO GENERAL' },
  { id: '7', text: 'AUTORIDAD LOCAL' },
  { id: '8', text: 'AUTORIDAD FEDERAL' },
  { id: '9', text: 'DIRECTOR GENERAL' },
  { id: '10', text: 'RECTOR GENERAL' },
  {
    id: '11',
    text: 'TITULAR DE LA AUTORIDAD EDUCATIVA FEDERAL EN LA CIUDAD DE MÉXICO',
    uncertain: 'cargo 11 is known only from two recent, possibly related sources (spec §4.1)',
  },
]);

/** §4.2. */
export const AUTORIZACIONES = catalog('autorizacionReconocimiento', WORKBOOK_2018, WORKBOOK_SOURCE, [
  { id: '1', text: 'RVOE FEDERAL' },
  { id: '2', text: 'RVOE ESTATAL' },
  { id: '3', text: 'AUTORIZACIÓN FEDERAL' },
  { id: '4', text: 'AUTORIZACIÓN ESTATAL' },
  { id: '5', text: 'ACTA DE SESIÓN' },
  { id: '6', text: 'ACUERDO DE INCORPORACIÓN' },
  { id: '7', text: 'ACUERDO SECRETARIAL SEP' },
  { id: '8', text: 'DECRETO DE CREACIÓN' },
  { id: '9', text: 'OTRO' },
]);

/** The authorizations that are an RVOE, for which numeroRvoe is expected (spec §2.6, §5.2: an inference). */
export const RVOE_AUTORIZACION_IDS: ReadonlySet<string> = new Set(['1', '2']);

export type FechaModalidad = 'fechaExamenProfesional' | 'fechaExencionExamenProfesional';

export interface ModalidadEntry extends CatalogEntry {
  /** SEP's "tipo de modalidad" (not in the XML). */
  readonly tipo: 'ACTA DE EXAMEN' | 'CONSTANCIA DE EXENCIÓN';
  /** The one Expedicion date this modalidad calls for. */
  readonly fecha: FechaModalidad;
}

const EXAMEN = { tipo: 'ACTA DE EXAMEN', fecha: 'fechaExamenProfesional' } as const;
const EXENCION = { tipo: 'CONSTANCIA DE EXENCIÓN', fecha: 'fechaExencionExamenProfesional' } as const;

/** §4.3. Id 3 is plural `POSGRADOS`; the singular seen in one project is a trap. */
export const MODALIDADES = catalog<ModalidadEntry>('modalidadTitulacion', WORKBOOK_2018, WORKBOOK_SOURCE, [
  { id: '1', text: 'POR TESIS', ...EXAMEN },
  { id: '2', text: 'POR PROMEDIO', ...EXENCION },
  { id: '3', text: 'POR ESTUDIOS DE POSGRADOS', ...EXENCION },
  { id: '4', text: 'POR EXPERIENCIA LABORAL', ...EXENCION },
  { id: '5', text: 'POR CENEVAL', ...EXENCION },
  { id: '6', text: 'OTRO', ...EXENCION },
]);

/** §4.4. Id 4 has a trailing space in the workbook, W2 and U11, none in W1, W7, U9: kept without. */
export const FUNDAMENTOS_SERVICIO_SOCIAL = catalog('fundamentoLegalServicioSocial', WORKBOOK_2018, WORKBOOK_SOURCE, [
  { id: '1', text: 'ART. 52 LRART. 5 CONST' },
  { id: '2', text: 'ART. 55 LRART. 5 CONST' },
  { id: '3', text: 'ART. 91 RLRART. 5 CONST' },
  {
    id: '4',
    text: 'ART. 10 REGLAMENTO PARA LA PRESTACIÓN DEL SERVICIO SOCIAL DE LOS ESTUDIANTES DE LAS INSTITUCIONES DE EDUCACIÓN SUPERIOR EN LA REPÚBLICA MEXICANA',
  },
  { id: '5', text: 'NO APLICA' },
]);

export interface EstudioAntecedenteEntry extends CatalogEntry {
  /** SEP's "tipo educativo" (not in the XML). */
  readonly tipoEducativo: 'EDUCACIÓN SUPERIOR' | 'EDUCACIÓN MEDIA SUPERIOR' | 'EDUCACIÓN BÁSICA';
}

/** §4.5. Id 5 has a trailing space in the workbook and W2: kept without. */
export const ESTUDIOS_ANTECEDENTE = catalog<EstudioAntecedenteEntry>('tipoEstudioAntecedente', WORKBOOK_2018, WORKBOOK_SOURCE, [
  { id: '1', text: 'MAESTRÍA', tipoEducativo: 'EDUCACIÓN SUPERIOR' },
  { id: '2', text: 'LICENCIATURA', tipoEducativo: 'EDUCACIÓN SUPERIOR' },
  { id: '3', text: 'TÉCNICO SUPERIOR UNIVERSITARIO', tipoEducativo: 'EDUCACIÓN SUPERIOR' },
  { id: '4', text: 'BACHILLERATO', tipoEducativo: 'EDUCACIÓN MEDIA SUPERIOR' },
  { id: '5', text: 'EQUIVALENTE A BACHILLERATO', tipoEducativo: 'EDUCACIÓN MEDIA SUPERIOR' },
  { id: '6', text: 'SECUNDARIA', tipoEducativo: 'EDUCACIÓN BÁSICA' },
]);

export interface EntidadEntry extends CatalogEntry {
  readonly abbr: string;
  /** Only 33 EXTRANJERO: valid for Antecedente (studies abroad), not for Expedicion (§4.6). */
  readonly antecedenteOnly?: true;
}

/** §4.6. Ids are two-character strings. */
export const ENTIDADES = catalog<EntidadEntry>('entidadFederativa', WORKBOOK_2018, WORKBOOK_SOURCE, [
  { id: '01', text: 'AGUASCALIENTES', abbr: 'AGS' },
  { id: '02', text: 'BAJA CALIFORNIA', abbr: 'BC' },
  { id: '03', text: 'BAJA CALIFORNIA SUR', abbr: 'BCS' },
  { id: '04', text: 'CAMPECHE', abbr: 'CAMP' },
  { id: '05', text: 'COAHUILA DE ZARAGOZA', abbr: 'COAH' },
  { id: '06', text: 'COLIMA', abbr: 'COL' },
  { id: '07', text: 'CHIAPAS', abbr: 'CHIS' },
  { id: '08', text: 'CHIHUAHUA', abbr: 'CHIH' },
  { id: '09', text: 'CIUDAD DE MÉXICO', abbr: 'CDMX' },
  { id: '10', text: 'DURANGO', abbr: 'DGO' },
  { id: '11', text: 'GUANAJUATO', abbr: 'GTO' },
  { id: '12', text: 'GUERRERO', abbr: 'GRO' },
  { id: '13', text: 'HIDALGO', abbr: 'HGO' },
  { id: '14', text: 'JALISCO', abbr: 'JAL' },
  { id: '15', text: 'MÉXICO', abbr: 'MEX' },
  { id: '16', text: 'MICHOACÁN DE OCAMPO', abbr: 'MICH' },
  { id: '17', text: 'MORELOS', abbr: 'MOR' },
  { id: '18', text: 'NAYARIT', abbr: 'NAY' },
  { id: '19', text: 'NUEVO LEÓN', abbr: 'NL' },
  { id: '20', text: 'OAXACA', abbr: 'OAX' },
  { id: '21', text: 'PUEBLA', abbr: 'PUE' },
  { id: '22', text: 'QUERÉTARO', abbr: 'QRO' },
  { id: '23', text: 'QUINTANA ROO', abbr: 'QROO' },
  { id: '24', text: 'SAN LUIS POTOSÍ', abbr: 'SLP' },
  { id: '25', text: 'SINALOA', abbr: 'SIN' },
  { id: '26', text: 'SONORA', abbr: 'SON' },
  { id: '27', text: 'TABASCO', abbr: 'TAB' },
  { id: '28', text: 'TAMAULIPAS', abbr: 'TAMPS' },
  { id: '29', text: 'TLAXCALA', abbr: 'TLAX' },
  { id: '30', text: 'VERACRUZ DE IGNACIO DE LA LLAVE', abbr: 'VER' },
  { id: '31', text: 'YUCATÁN', abbr: 'YUC' },
  { id: '32', text: 'ZACATECAS', abbr: 'ZAC' },
  { id: '33', text: 'EXTRANJERO', abbr: 'EXT', antecedenteOnly: true },
]);

/** §4.7, for cancelaTituloElectronico/@motCancelacion. "R" reasons lead to re-issue; C1 is final. */
export const MOTIVOS_CANCELACION = catalog('motCancelacion', WORKBOOK_2018, "W2's and U11's cancellation tables; spec met-titulos.md §4.7", [
  { id: 'R1', text: 'REASIGNACIÓN PARA LA CONCORDANCIA SEXO-GENÉRICA' },
  { id: 'R2', text: 'RECONOCIMIENTO DE PATERNIDAD' },
  { id: 'R3', text: 'CAMBIO Y MODIFICACIÓN AL NOMBRE' },
  { id: 'R4', text: 'CASO FORTUITO O FUERZA MAYOR' },
  { id: 'R5', text: 'OTRO' },
  { id: 'C1', text: 'CAUSA IMPUTABLE AL PROFESIONISTA' },
]);

/** Entry of the entidades catalog: exact two-character id, so `7` is not `07`. */
export function lookupEntidad(written: string, node: 'Expedicion' | 'Antecedente'): EntidadEntry | undefined {
  const entry = ENTIDADES.entries.get(written);
  if (entry?.antecedenteOnly && node !== 'Antecedente') return undefined;
  return entry;
}

export function lookupMotivoCancelacion(code: string): CatalogEntry | undefined {
  return MOTIVOS_CANCELACION.entries.get(code);
}
