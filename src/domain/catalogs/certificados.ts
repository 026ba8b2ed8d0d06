/**
 * SEP's catalogs for the DEC 3.0 (IPES certificados), as data (spec mec-certificados.md §3).
 *
 * Ids are kept as the exact text the DEC must carry: SEP's catalog sheets list them as plain
 * integers (`79`, `263`), and the DEC checks require integers without leading zeros
 * (DEC-INTEGER-FORMAT), so a lookup is an exact string match. Entidades are two-character strings
 * and come from the títulos catalog (same codes, §3.9).
 */
import { catalog, type Catalog, type CatalogEntry } from './catalog.js';
import { ENTIDADES, type EntidadEntry } from './titulos.js';

const MEC_SOURCE = "MEC catalog sheets in S1's plantillaCertificacion.xlsx, cross-checked with S12/S13 dumps; spec mec-certificados.md §3";
const DEC_30 = 'DEC 3.0';

/** §3.1. Only 5 (IPES): 9 is the educación normal family, not uploaded through this service. */
export const TIPOS_CERTIFICADO = catalog('tipoCertificado', DEC_30, MEC_SOURCE, [{ id: '5', text: 'INSTITUCIONES PARTICULARES DE EDUCACIÓN SUPERIOR' }]);

export const TIPO_CERTIFICACION_TOTAL = '79';
export const TIPO_CERTIFICACION_PARCIAL = '80';

/** §3.2. */
export const TIPOS_CERTIFICACION = catalog('tipoCertificacion', DEC_30, MEC_SOURCE, [
  { id: TIPO_CERTIFICACION_TOTAL, text: 'TOTAL' },
  { id: TIPO_CERTIFICACION_PARCIAL, text: 'PARCIAL' },
]);

/** §3.3. */
export const TIPOS_PERIODO = catalog('tipoPeriodo', DEC_30, MEC_SOURCE, [
  { id: '91', text: 'SEMESTRE' },
  { id: '92', text: 'BIMESTRE' },
  { id: '93', text: 'CUATRIMESTRE' },
  { id: '94', text: 'TETRAMESTRE' },
  { id: '260', text: 'TRIMESTRE' },
  { id: '261', text: 'MODULAR' },
  { id: '262', text: 'ANUAL' },
]);

/** §3.4. */
export const NIVELES_ESTUDIOS = catalog('nivelEstudios', DEC_30, MEC_SOURCE, [
  { id: '81', text: 'LICENCIATURA' },
  { id: '82', text: 'MAESTRÍA' },
  { id: '83', text: 'PROFESIONAL ASOCIADO' },
  { id: '84', text: 'TÉCNICO SUPERIOR UNIVERSITARIO' },
  { id: '85', text: 'ESPECIALIDAD' },
  { id: '95', text: 'DOCTORADO' },
]);

/** §3.5. The DEC carries only idGenero (no descriptive attribute). */
export const GENEROS = catalog('genero', DEC_30, MEC_SOURCE, [
  { id: '250', text: 'MUJER' },
  { id: '251', text: 'HOMBRE' },
]);

export interface TipoAsignaturaEntry extends CatalogEntry {
  /** The text as SEP's catalog sheet prints it, when it differs (footnote asterisks). */
  readonly printed?: string;
}

export const TIPO_ASIGNATURA_COMPLEMENTARIA = '266';

/**
 * §3.6. SEP's sheet prints `*ADICIONAL` and `**COMPLEMENTARIA`: the asterisks are footnote marks
 * for the printed certificate, not part of the type's name, so the catalog text is without them.
 * A producer that copies the sheet verbatim into the optional `tipoAsignatura` is not wrong either:
 * the printed form is accepted as well (catalog-checks.ts).
 */
export const TIPOS_ASIGNATURA = catalog<TipoAsignaturaEntry>('tipoAsignatura', DEC_30, MEC_SOURCE, [
  { id: '263', text: 'OBLIGATORIA' },
  { id: '264', text: 'OPTATIVA' },
  { id: '265', text: 'ADICIONAL', printed: '*ADICIONAL' },
  { id: TIPO_ASIGNATURA_COMPLEMENTARIA, text: 'COMPLEMENTARIA', printed: '**COMPLEMENTARIA' },
]);

/** Where an observaciones entry stands across the catalog's versions (§3.7 [CONFLICT]). */
export type ObservacionStatus = 'current' | 'possibly-withdrawn' | 'newer';

export interface ObservacionEntry extends CatalogEntry {
  /** The abbreviation printed next to the grade ('' for 100 NORMAL / ORDINARIO). */
  readonly abbr: string;
  readonly status: ObservacionStatus;
}

/**
 * §3.7, every id any source lists. 103 ACREDITADO O APROBADO appears only in older lists (S6, two
 * Laravel lists) and is missing from S3, S12, S13, S14: possibly withdrawn. 106 and 107 appear only
 * in the newest lists (S13, S14).
 */
export const OBSERVACIONES = catalog<ObservacionEntry>('observaciones', DEC_30, "S3, S6, S12, S13, S14; spec mec-certificados.md §3.7", [
  { id: '70', text: 'EQUIVALENCIA DE ESTUDIOS', abbr: 'E.', status: 'current' },
  { id: '71', text: 'EXAMEN EXTRAORDINARIO', abbr: 'E.E.', status: 'current' },
  { id: '72', text: 'EXAMEN A TITULO DE SUFICIENCIA', abbr: 'E.T.S.', status: 'current' },
  { id: '73', text: 'CURSO DE VERANO', abbr: 'C.V.', status: 'current' },
  { id: '74', text: 'RECURSAMIENTO', abbr: 'Rec.', status: 'current' },
  { id: '75', text: 'REINGRESO', abbr: 'Rein.', status: 'current' },
  { id: '76', text: 'ACUERDO REGULARIZACIÓN', abbr: 'A.C.', status: 'current' },
  { id: '77', text: 'CON CAMBIO EN EL ACUERDO DE RVOE', abbr: 'C.A.', status: 'current' },
  { id: '78', text: 'REVALIDACIÓN DE ESTUDIOS', abbr: 'R.', status: 'current' },
  { id: '100', text: 'NORMAL / ORDINARIO', abbr: '', status: 'current' },
  { id: '101', text: 'CORRESPONDENCIA DE ASIGNATURA POR PLAN', abbr: 'C.A.P.', status: 'current' },
  { id: '102', text: 'EXENTO', abbr: 'EX.', status: 'current' },
  {
    id: '103',
    text: 'ACREDITADO O APROBADO',
    abbr: 'A.',
    status: 'possibly-withdrawn',
    uncertain: 'observación 103 is missing from the newer lists (S3, S12, S13, S14) and may have been withdrawn (spec §3.7)',
  },
  { id: '104', text: 'CURSO DE REGULARIZACIÓN', abbr: 'C.R.', status: 'current' },
  { id: '105', text: 'INTERCAMBIO ACADÉMICO', abbr: 'I.A.', status: 'current' },
  { id: '106', text: 'EXAMEN DE ÚLTIMA MATERIA', abbr: 'E.U.M.', status: 'newer' },
  { id: '107', text: 'CURSO DE INVIERNO', abbr: 'C.I.', status: 'newer' },
]);

/**
 * Which observaciones the emulated MEC accepts (§3.7, §7 question 9: whether 103 is still valid and
 * from when 106/107 apply are unknown):
 * - `all` (default): every id any source lists; 103 is accepted with a warning.
 * - `current`: the newest lists (S13, S14): 103 is refused, 104–107 accepted.
 * - `without-newer`: an MEC from before 106 and 107 were added: those two are refused, 103 warns.
 */
export type ObservacionesVersion = 'all' | 'current' | 'without-newer';

export const OBSERVACIONES_VERSIONS: readonly ObservacionesVersion[] = ['all', 'current', 'without-newer'];

/** The observaciones entry for an id under a catalog version, or undefined when that version refuses it. */
export function lookupObservacion(id: string, version: ObservacionesVersion): ObservacionEntry | undefined {
  const entry = OBSERVACIONES.entries.get(id);
  if (entry === undefined) return undefined;
  if (version === 'current' && entry.status === 'possibly-withdrawn') return undefined;
  if (version === 'without-newer' && entry.status === 'newer') return undefined;
  return entry;
}

/** The observaciones ids a version accepts, for `expected` in check results. */
export function observacionIds(version: ObservacionesVersion): string[] {
  return [...OBSERVACIONES.entries.keys()].filter((id) => lookupObservacion(id, version) !== undefined);
}

/** §3.8: the DEC's cargos are the first five of the títulos catalog (6–10 are DGP-only). */
export const CARGOS_DEC = catalog('cargo', DEC_30, MEC_SOURCE, [
  { id: '1', text: 'DIRECTOR' },
  { id: '2', text: 'SUBDIRECTOR' },
  { id: '3', text: 'RECTOR' },
  { id: '4', text: 'VICERRECTOR' },
  { id: '5', text: 'RESPONSABLE DE EXPEDICIÓN' },
]);

export const ENTIDAD_EXTRANJERO = '33';

/**
 * §3.9: the títulos entidades catalog, exact two-character ids. 33 EXTRANJERO is a títulos id; whether
 * the DEC accepts it (as lugar de expedición) is unknown (§7 question 7), so only when allowed.
 */
export function lookupEntidadDec(id: string, allowExtranjero: boolean): EntidadEntry | undefined {
  if (id === ENTIDAD_EXTRANJERO && !allowExtranjero) return undefined;
  return ENTIDADES.entries.get(id);
}

export { ENTIDADES };

/** Exact-id lookup for the integer catalogs above. */
export function lookupDec<E extends CatalogEntry>(cat: Catalog<E>, id: string): E | undefined {
  return cat.entries.get(id);
}
