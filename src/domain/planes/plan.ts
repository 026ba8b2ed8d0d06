/**
 * A study plan as the institution registered it with the MEC (the "layout" / Programa de Estudios,
 * spec mec-certificados.md §3.10). The DEC checks compare every certificate against this data; the
 * plan import (src/domain/planes/, src/intake/plan-workbook.ts) produces it.
 *
 * Numbers that SEP writes as decimal text (credits) stay text here, exactly as registered, so the
 * comparison with the DEC can be exact (no floats).
 */

/** One subject of a registered plan (its id, ID_ASIGNATURA, is the key of RegisteredPlan.asignaturas). */
export interface RegisteredAsignatura {
  /** The institution's own subject clave (CLAVE_ASIGNATURA); may be blank. */
  readonly claveAsignatura: string;
  readonly nombre: string;
  /** Tipo de asignatura catalog id (263 OBLIGATORIA … 266 COMPLEMENTARIA). */
  readonly idTipoAsignatura: string;
  /** Credits as registered, decimal text (e.g. `6.25`). */
  readonly creditos: string;
}

export interface RegisteredRvoe {
  readonly numero: string;
  /** RVOE date, 'AAAA-MM-DD'. */
  readonly fecha: string;
}

export interface RegisteredPlan {
  /** Institution-chosen integer id of the career (ID_CARRERA), as text without leading zeros. */
  readonly idCarrera: string;
  /** DGP clave de carrera, when registered. */
  readonly claveCarrera?: string;
  readonly nombreCarrera?: string;
  readonly clavePlan: string;
  /** Tipo de periodo catalog id (91 SEMESTRE, …). */
  readonly idTipoPeriodo: string;
  /** Nivel de estudios catalog id (81 LICENCIATURA, …). */
  readonly idNivelEstudios: string;
  /** Number of cycles (periods) of the plan. */
  readonly numeroCiclos: number;
  readonly rvoe: RegisteredRvoe;
  readonly calificacionMinima: number;
  readonly calificacionMaxima: number;
  readonly calificacionMinimaAprobatoria: number;
  /** The plan's subjects by idAsignatura, in plan order (Map iteration order). */
  readonly asignaturas: ReadonlyMap<string, RegisteredAsignatura>;
  /** Total credits of the plan as registered, decimal text. */
  readonly totalCreditos: string;
}

/** How the DEC checks find a registered plan: by idCarrera and clavePlan. */
export type PlanLookup = (idCarrera: string, clavePlan: string) => RegisteredPlan | undefined;
