/**
 * The shape of a DEC 3.0 (spec mec-certificados.md §1): element names, child order and which
 * attributes each element takes. Data only; structure.ts enforces it, model.ts reads by it.
 */
import { spec } from '../shared/element-spec.js';

export const DEC_NAMESPACE = 'https://www.siged.sep.gob.mx/certificados/';
export const DEC_VERSION = '3.0';

/**
 * §1.2. `folioControl` is "R in practice": every producer writes it and it identifies the DEC in the
 * results, so it is required here.
 */
export const ROOT = spec('Dec', ['version', 'tipoCertificado', 'folioControl', 'sello', 'certificadoResponsable', 'noCertificadoResponsable'], []);

/** §1.3 (new in 3.0). */
export const SERVICIO_FIRMANTE = spec('ServicioFirmante', ['idEntidad'], []);

/** §1.4. */
export const IPES = spec('Ipes', ['idNombreInstitucion', 'idCampus', 'idEntidadFederativa'], ['nombreInstitucion', 'campus', 'entidadFederativa']);

/** §1.4. */
export const RESPONSABLE = spec('Responsable', ['curp', 'nombre', 'primerApellido', 'idCargo'], ['segundoApellido', 'cargo']);

/** §1.5. */
export const RVOE = spec('Rvoe', ['numero', 'fechaExpedicion'], []);

/** §1.6. */
export const CARRERA = spec(
  'Carrera',
  ['idCarrera', 'idTipoPeriodo', 'clavePlan', 'idNivelEstudios', 'calificacionMinima', 'calificacionMaxima', 'calificacionMinimaAprobatoria'],
  ['claveCarrera', 'nombreCarrera', 'tipoPeriodo', 'nivelEstudios'],
);

/** §1.7. `foto` and `firmaAutografa` stay in the 3.0 schema but left the cadena (§1.11). */
export const ALUMNO = spec(
  'Alumno',
  ['numeroControl', 'curp', 'nombre', 'primerApellido', 'idGenero', 'fechaNacimiento'],
  ['segundoApellido', 'foto', 'firmaAutografa'],
);

/** §1.8. */
export const EXPEDICION = spec('Expedicion', ['idTipoCertificacion', 'fecha', 'idLugarExpedicion'], ['tipoCertificacion', 'lugarExpedicion']);

/** §1.9. */
export const ASIGNATURAS = spec('Asignaturas', ['total', 'asignadas', 'promedio', 'totalCreditos', 'creditosObtenidos', 'numeroCiclos'], []);

/**
 * §1.9. idObservaciones is "expected" (the FAQ asks for it on every subject, S3 omits it when
 * unknown) and is not in the cadena: optional here, with a warning when absent (catalog-checks.ts).
 */
export const ASIGNATURA = spec(
  'Asignatura',
  ['idAsignatura', 'ciclo', 'calificacion', 'idTipoAsignatura', 'creditos'],
  ['claveAsignatura', 'nombre', 'idObservaciones', 'observaciones', 'tipoAsignatura'],
);

/** §1.10: added by SEP on authentication; an uploaded DEC must not carry them. */
export const DREOE = spec('Dreoe', ['fechaDreoe', 'selloDec', 'noCertificadoDreoe', 'curp', 'nombreCompleto', 'idCargo', 'cargo', 'selloDreoe'], []);
export const SEP_IPES = spec('SepIpes', ['version', 'folioDigital', 'fechaSepIpes', 'selloDreoe', 'noCertificadoSepIpes', 'selloSepIpes'], []);

/** Root children in SEP order (§1.1). */
export const CHILD_ORDER = ['ServicioFirmante', 'Ipes', 'Rvoe', 'Carrera', 'Alumno', 'Expedicion', 'Asignaturas', 'Dreoe', 'SepIpes'] as const;
export type ChildName = (typeof CHILD_ORDER)[number];
/** The children only SEP adds (§1.10). */
export const SEP_CHILDREN: ReadonlySet<ChildName> = new Set(['Dreoe', 'SepIpes']);
