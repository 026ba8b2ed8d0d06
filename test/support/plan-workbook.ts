/**
 * Study-plan layouts for tests: RegisteredPlan values → the rows of the "Programa de Estudios"
 * layout (docs/plan-layout.md) → a real .xlsx workbook written with SheetJS, or the same rows as
 * JSON. Reusable by end-to-end tests: `planWorkbook(samplePlans())` is a valid upload for
 * institution SAMPLE_INSTITUCION whose import yields exactly `samplePlans().plans`.
 *
 * The rows are built here from the plan values alone, independently of the import code.
 */
import * as XLSX from '@e965/xlsx';
import type { RegisteredAsignatura, RegisteredPlan } from '../../src/domain/planes/plan.js';

/** One cell: text, a number cell, a boolean, blank (null), a real Excel date cell, or any raw SheetJS cell. */
export type LayoutCell = string | number | boolean | null | { readonly date: string } | { readonly cell: XLSX.CellObject };
export type LayoutRow = Record<string, LayoutCell>;
/** Sheet name → rows (row i is Excel row i + 2); key order is the workbook's sheet order. */
export type LayoutSheets = Record<string, LayoutRow[]>;

export interface PlanDescription {
  readonly idInstitucion: string;
  /** CLAVE_CAMPUS values; every plan is listed at each of them. */
  readonly campuses: readonly string[];
  readonly plans: readonly RegisteredPlan[];
  readonly curpResponsable?: string;
}

export interface LayoutOptions {
  /**
   * `natural` (default): what an institution types in Excel: ids, grades, credits and folios as
   * number cells, FECHA_RVOE as a date cell, claves and names as text. `text`: every cell as text.
   */
  readonly cells?: 'natural' | 'text';
  /** Add SEP's catalog sheets (ignored by the import). Default true. */
  readonly catalogSheets?: boolean;
}

export const SAMPLE_INSTITUCION = '20001';
export const SAMPLE_CAMPUS = '090001';

function subjects(list: readonly (readonly [string, RegisteredAsignatura])[]): ReadonlyMap<string, RegisteredAsignatura> {
  return new Map(list);
}

const INTRO: RegisteredAsignatura = { claveAsignatura: 'DER-101', nombre: 'INTRODUCCIÓN AL ESTUDIO DEL DERECHO', idTipoAsignatura: '263', creditos: '6.25' };
const ROMANO: RegisteredAsignatura = { claveAsignatura: 'DER-102', nombre: 'DERECHO ROMANO', idTipoAsignatura: '263', creditos: '8.00' };
const OPTATIVA: RegisteredAsignatura = { claveAsignatura: 'DER-150', nombre: 'FILOSOFÍA DEL DERECHO', idTipoAsignatura: '264', creditos: '4.50' };
const DEPORTE: RegisteredAsignatura = { claveAsignatura: '', nombre: 'ACTIVIDAD DEPORTIVA', idTipoAsignatura: '266', creditos: '0.00' };
const METODOS: RegisteredAsignatura = { claveAsignatura: 'MAE-01', nombre: 'MÉTODOS DE INVESTIGACIÓN', idTipoAsignatura: '263', creditos: '10.75' };
const SEMINARIO: RegisteredAsignatura = { claveAsignatura: 'MAE-02', nombre: 'SEMINARIO DE TESIS', idTipoAsignatura: '265', creditos: '12.00' };

/**
 * Three plans of two carreras: carrera 1 has plans 2014 and 2020 (sharing subjects, in a different
 * order) under one RVOE; carrera 2 has a pre-1998 plan under an ACUERDO with passing grade 7.00.
 */
export function samplePlans(): PlanDescription {
  const derecho = { idCarrera: '1', claveCarrera: '612301', nombreCarrera: 'LICENCIATURA EN DERECHO' } as const;
  const rvoeDerecho = { rvoe: { numero: '20140252', fecha: '2014-08-29' }, calificacionMinima: 5, calificacionMaxima: 10, calificacionMinimaAprobatoria: 6 };
  return {
    idInstitucion: SAMPLE_INSTITUCION,
    campuses: [SAMPLE_CAMPUS],
    curpResponsable: 'GOCM800101HDFRRR09',
    plans: [
      {
        ...derecho, clavePlan: '2014', idTipoPeriodo: '91', idNivelEstudios: '81', numeroCiclos: 9, ...rvoeDerecho,
        asignaturas: subjects([['101', INTRO], ['102', ROMANO], ['150', OPTATIVA], ['190', DEPORTE]]),
        totalCreditos: '18.75',
      },
      {
        ...derecho, clavePlan: '2020', idTipoPeriodo: '91', idNivelEstudios: '81', numeroCiclos: 8, ...rvoeDerecho,
        asignaturas: subjects([['102', ROMANO], ['101', INTRO]]),
        totalCreditos: '14.25',
      },
      {
        idCarrera: '2', nombreCarrera: 'MAESTRÍA EN EDUCACIÓN', clavePlan: 'DGES 123456789123', idTipoPeriodo: '93', idNivelEstudios: '82',
        numeroCiclos: 6, rvoe: { numero: 'ACUERDO 1980', fecha: '1980-05-12' }, calificacionMinima: 5, calificacionMaxima: 10,
        calificacionMinimaAprobatoria: 7, asignaturas: subjects([['2001', METODOS], ['2002', SEMINARIO]]), totalCreditos: '22.75',
      },
    ],
  };
}

/** The layout rows for a description. Carreras, RVOEs and subjects are listed once each. */
export function layoutSheets(desc: PlanDescription, options: LayoutOptions = {}): LayoutSheets {
  const natural = (options.cells ?? 'natural') === 'natural';
  const num = (text: string): LayoutCell => (natural && /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/.test(text) ? Number(text) : text);
  const date = (text: string): LayoutCell => (natural ? { date: text } : text);
  const passing = (n: number): LayoutCell => (natural ? n : n.toFixed(2));

  const carreras: LayoutRow[] = [];
  const rvoes: LayoutRow[] = [];
  const asignaturas: LayoutRow[] = [];
  const programas: LayoutRow[] = [];
  const planes: LayoutRow[] = [];
  const seen = new Set<string>();
  const once = (key: string): boolean => (seen.has(key) ? false : (seen.add(key), true));

  for (const p of desc.plans) {
    if (once(`carrera ${p.idCarrera}`)) {
      carreras.push({
        ID_INSTITUCION: num(desc.idInstitucion), ID_NIVEL: num(p.idNivelEstudios), ID_CARRERA: num(p.idCarrera),
        CLAVE_CARRERA: p.claveCarrera ?? null, DESCRIPCION: p.nombreCarrera ?? '',
      });
    }
    if (once(`rvoe ${p.idCarrera} ${p.rvoe.numero} ${p.rvoe.fecha}`)) {
      rvoes.push({
        NO_RVOE: num(p.rvoe.numero), FECHA_RVOE: date(p.rvoe.fecha), CALIF_MINIMA: num(String(p.calificacionMinima)),
        CALIF_MAXIMA: num(String(p.calificacionMaxima)), MINIMA_APROBATORIA: passing(p.calificacionMinimaAprobatoria),
        ID_CARRERA: num(p.idCarrera), ACUERDO: null,
      });
    }
    for (const [id, a] of p.asignaturas) {
      if (!once(`asignatura ${id}`)) continue;
      asignaturas.push({
        ID_INSTITUCION: num(desc.idInstitucion), ID_CARRERA: num(p.idCarrera), ID_ASIGNATURA: num(id),
        CLAVE_ASIGNATURA: a.claveAsignatura === '' ? null : a.claveAsignatura, DESCRIPCION: a.nombre,
        ID_TIPO_ASIGNATURA: num(a.idTipoAsignatura), CREDITOS: num(a.creditos),
      });
    }
    for (const campus of desc.campuses) {
      let folio = 0;
      for (const id of p.asignaturas.keys()) {
        folio++;
        programas.push({
          ID_INSTITUCION: num(desc.idInstitucion), CLAVE_CAMPUS: campus, ID_ASIGNATURA: num(id), ID_CARRERA: num(p.idCarrera),
          NO_RVOE: num(p.rvoe.numero), FECHA_RVOE: date(p.rvoe.fecha), CLAVE_PLAN: p.clavePlan,
          FOLIO_ORDENAMIENTO: num(String(folio)), CURP_RESPONSABLE_PLAN_DE_ESTUDIO: desc.curpResponsable ?? null,
        });
      }
    }
    planes.push({
      ID_CARRERA: num(p.idCarrera), CLAVE_PLAN: p.clavePlan, ID_TIPO_PERIODO: num(p.idTipoPeriodo),
      ID_NIVEL_ESTUDIOS: num(p.idNivelEstudios), NUMERO_CICLOS: num(String(p.numeroCiclos)),
    });
  }
  const sheets: LayoutSheets = {};
  if (options.catalogSheets ?? true) {
    sheets['ENTIDAD FEDERATIVA'] = [{ ID_ENTIDAD_FEDERATIVA: '09', DESCRIPCION: 'CIUDAD DE MÉXICO' }];
    sheets['TIPO ASIGNATURA'] = [{ ID_TIPO_ASIGNATURA: 263, DESCRIPCION: 'OBLIGATORIA' }, { ID_TIPO_ASIGNATURA: 266, DESCRIPCION: '**COMPLEMENTARIA' }];
  }
  sheets['CARRERAS'] = carreras;
  sheets['NUMERO DE RVOE'] = rvoes;
  sheets['ASIGNATURAS'] = asignaturas;
  sheets['PROGRAMAS DE ESTUDIO'] = programas;
  sheets['PLANES'] = planes;
  return sheets;
}

/** A deep copy of layout sheets, for mutating one cell in a test. */
export function cloneSheets(sheets: LayoutSheets): LayoutSheets {
  const out: LayoutSheets = {};
  for (const [name, rows] of Object.entries(sheets)) out[name] = rows.map((r) => ({ ...r }));
  return out;
}

function dateSerial(iso: string): number {
  const days = (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
  return days < 61 ? days - 1 : days; // Excel's 1900 leap-year bug below 1900-03-01
}

function toCell(value: LayoutCell): XLSX.CellObject | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return { t: 's', v: value };
  if (typeof value === 'number') return { t: 'n', v: value };
  if (typeof value === 'boolean') return { t: 'b', v: value };
  if ('date' in value) return { t: 'n', v: dateSerial(value.date), z: 'yyyy-mm-dd' };
  return value.cell;
}

export interface WorkbookOptions {
  /** Header row per sheet, overriding the union of the rows' keys (to misspell or repeat a header). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
}

/** An .xlsx workbook (SheetJS) with one sheet per entry: header row 1, then the rows from row 2. */
export function layoutWorkbook(sheets: LayoutSheets, options: WorkbookOptions = {}): Buffer {
  const wb = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) {
    const keys: string[] = [];
    for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
    const headers = options.headers?.[name] ?? keys;
    const ws: XLSX.WorkSheet = {};
    headers.forEach((h, c) => {
      ws[XLSX.utils.encode_cell({ r: 0, c })] = { t: 's', v: h };
    });
    rows.forEach((row, i) => {
      headers.forEach((h, c) => {
        const v = row[h];
        const cell = v === undefined ? undefined : toCell(v);
        if (cell !== undefined) ws[XLSX.utils.encode_cell({ r: i + 1, c })] = cell;
      });
    });
    ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(rows.length, 1), c: Math.max(headers.length - 1, 0) } });
    XLSX.utils.book_append_sheet(wb, ws, name);
  }
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

/** The same rows as a JSON document: date cells become AAAA-MM-DD text, raw cells their value. */
export function layoutJson(sheets: LayoutSheets): Buffer {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const [name, rows] of Object.entries(sheets)) {
    out[name] = rows.map((row) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        if (v !== null && typeof v === 'object') o[k] = 'date' in v ? v.date : (v.cell.v ?? null);
        else o[k] = v;
      }
      return o;
    });
  }
  return Buffer.from(JSON.stringify(out), 'utf8');
}

/** A valid .xlsx upload for a description. */
export function planWorkbook(desc: PlanDescription = samplePlans(), options: LayoutOptions = {}): Buffer {
  return layoutWorkbook(layoutSheets(desc, options));
}
