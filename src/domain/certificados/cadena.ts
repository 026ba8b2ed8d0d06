/**
 * The cadena original of a DEC 3.0 (spec mec-certificados.md §2.1–§2.2): 33 header fields, then 5
 * per Asignatura in document order, framed by `||` and separated by `|`. Only id-type attributes
 * enter it (descriptive texts, idObservaciones, foto and firmaAutografa never do); an absent value
 * keeps its empty slot; values go in exactly as written (no trimming, no escaping).
 */
import type { Asignatura, Dec } from './model.js';

/** The attributes the cadena reads; a Dec is one. */
export interface CadenaDec extends Pick<Dec, 'version' | 'tipoCertificado'> {
  readonly servicioFirmante: Pick<Dec['servicioFirmante'], 'idEntidad'>;
  readonly ipes: Pick<Dec['ipes'], 'idNombreInstitucion' | 'idCampus' | 'idEntidadFederativa'>;
  readonly responsable: Pick<Dec['responsable'], 'curp' | 'idCargo'>;
  readonly rvoe: Pick<Dec['rvoe'], 'numero' | 'fechaExpedicion'>;
  readonly carrera: Pick<
    Dec['carrera'],
    'idCarrera' | 'idTipoPeriodo' | 'clavePlan' | 'idNivelEstudios' | 'calificacionMinima' | 'calificacionMaxima' | 'calificacionMinimaAprobatoria'
  >;
  readonly alumno: Pick<Dec['alumno'], 'numeroControl' | 'curp' | 'nombre' | 'primerApellido' | 'segundoApellido' | 'idGenero' | 'fechaNacimiento'>;
  readonly expedicion: Pick<Dec['expedicion'], 'idTipoCertificacion' | 'fecha' | 'idLugarExpedicion'>;
  readonly asignaturas: Pick<Dec['asignaturas'], 'total' | 'asignadas' | 'promedio' | 'totalCreditos' | 'creditosObtenidos' | 'numeroCiclos'>;
  readonly subjects: readonly Pick<Asignatura, 'node' | 'idAsignatura' | 'ciclo' | 'calificacion' | 'idTipoAsignatura' | 'creditos'>[];
}

/** One cadena slot: where its value comes from, and the value as written (undefined when absent). */
export interface CadenaField {
  readonly node: string;
  readonly attribute: string;
  readonly value: string | undefined;
}

export const HEADER_FIELD_COUNT = 33;
export const SUBJECT_FIELD_COUNT = 5;

/** Every slot in §2.1 order: 33 header fields, then idAsignatura, ciclo, calificacion, idTipoAsignatura, creditos per subject. */
export function cadenaFields(d: CadenaDec): CadenaField[] {
  const f = (node: string, attribute: string, value: string | undefined): CadenaField => ({ node, attribute, value });
  const { servicioFirmante: sf, ipes: i, responsable: r, rvoe: v, carrera: c, alumno: a, expedicion: e, asignaturas: s } = d;
  const fields: CadenaField[] = [
    f('Dec', 'version', d.version), // 1
    f('Dec', 'tipoCertificado', d.tipoCertificado),
    f('ServicioFirmante', 'idEntidad', sf.idEntidad),
    f('Ipes', 'idNombreInstitucion', i.idNombreInstitucion),
    f('Ipes', 'idCampus', i.idCampus), // 5
    f('Ipes', 'idEntidadFederativa', i.idEntidadFederativa),
    f('Responsable', 'curp', r.curp),
    f('Responsable', 'idCargo', r.idCargo),
    f('Rvoe', 'numero', v.numero),
    f('Rvoe', 'fechaExpedicion', v.fechaExpedicion), // 10
    f('Carrera', 'idCarrera', c.idCarrera),
    f('Carrera', 'idTipoPeriodo', c.idTipoPeriodo),
    f('Carrera', 'clavePlan', c.clavePlan),
    f('Carrera', 'idNivelEstudios', c.idNivelEstudios),
    f('Carrera', 'calificacionMinima', c.calificacionMinima), // 15
    f('Carrera', 'calificacionMaxima', c.calificacionMaxima),
    f('Carrera', 'calificacionMinimaAprobatoria', c.calificacionMinimaAprobatoria),
    f('Alumno', 'numeroControl', a.numeroControl),
    f('Alumno', 'curp', a.curp),
    f('Alumno', 'nombre', a.nombre), // 20
    f('Alumno', 'primerApellido', a.primerApellido),
    f('Alumno', 'segundoApellido', a.segundoApellido),
    f('Alumno', 'idGenero', a.idGenero),
    f('Alumno', 'fechaNacimiento', a.fechaNacimiento),
    f('Expedicion', 'idTipoCertificacion', e.idTipoCertificacion), // 25
    f('Expedicion', 'fecha', e.fecha),
    f('Expedicion', 'idLugarExpedicion', e.idLugarExpedicion),
    f('Asignaturas', 'total', s.total),
    f('Asignaturas', 'asignadas', s.asignadas),
    f('Asignaturas', 'promedio', s.promedio), // 30
    f('Asignaturas', 'totalCreditos', s.totalCreditos),
    f('Asignaturas', 'creditosObtenidos', s.creditosObtenidos),
    f('Asignaturas', 'numeroCiclos', s.numeroCiclos), // 33
  ];
  for (const m of d.subjects) {
    fields.push(
      f(m.node, 'idAsignatura', m.idAsignatura),
      f(m.node, 'ciclo', m.ciclo),
      f(m.node, 'calificacion', m.calificacion),
      f(m.node, 'idTipoAsignatura', m.idTipoAsignatura),
      f(m.node, 'creditos', m.creditos),
    );
  }
  return fields;
}

/** `||v1|v2|…|vn||` with empty slots kept. */
export function cadenaOriginal(d: CadenaDec): string {
  const fields = cadenaFields(d);
  let s = '||';
  for (let i = 0; i < fields.length; i++) s += (i === 0 ? '' : '|') + (fields[i]?.value ?? '');
  return `${s}||`;
}
