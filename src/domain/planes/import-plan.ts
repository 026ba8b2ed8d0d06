/**
 * The study-plan import (pure): the rows of the institution's "Programa de Estudios" layout
 * (spec mec-certificados.md §3.10; the accepted layout is docs/plan-layout.md) → RegisteredPlan
 * values, or every problem found, row by row. All or nothing: one error anywhere and no plan is
 * produced, so a workbook is never half imported.
 *
 * The rows come from src/intake/plan-workbook.ts, which reads an .xlsx workbook or the same data as
 * JSON into one PlanSource shape; this file sees only text cells, never bytes.
 *
 * Also here: plan identity and versioning (planKey, planVersionKey, classifyPlanImport), used by
 * the registry to replace a plan version without losing the one certificates were checked against.
 */
import { createHash } from 'node:crypto';
import { NIVELES_ESTUDIOS, TIPOS_ASIGNATURA, TIPOS_PERIODO } from '../catalogs/certificados.js';
import type { Catalog } from '../catalogs/catalog.js';
import { isCurp, isIsoDate } from '../shared/formats.js';
import type { RegisteredAsignatura, RegisteredPlan } from './plan.js';
import type { PlanErrorCode, RowError } from './plan-errors.js';

// ------------------------------------------------------------------ the layout

export const SHEET_CARRERAS = 'CARRERAS';
export const SHEET_RVOE = 'NUMERO DE RVOE';
export const SHEET_ASIGNATURAS = 'ASIGNATURAS';
export const SHEET_PROGRAMAS = 'PROGRAMAS DE ESTUDIO';
export const SHEET_PLANES = 'PLANES';

export interface LayoutColumn {
  readonly name: string;
  /** Required: the header must be present and every data row must give a value. Optional: neither. */
  readonly required: boolean;
}

export interface LayoutSheet {
  readonly name: string;
  readonly columns: readonly LayoutColumn[];
}

const req = (name: string): LayoutColumn => ({ name, required: true });
const opt = (name: string): LayoutColumn => ({ name, required: false });

/** The sheets and columns this emulator reads, in layout order (docs/plan-layout.md). */
export const PLAN_LAYOUT: readonly LayoutSheet[] = [
  { name: SHEET_CARRERAS, columns: [req('ID_INSTITUCION'), req('ID_NIVEL'), req('ID_CARRERA'), opt('CLAVE_CARRERA'), req('DESCRIPCION')] },
  {
    name: SHEET_RVOE,
    columns: [req('NO_RVOE'), req('FECHA_RVOE'), req('CALIF_MINIMA'), req('CALIF_MAXIMA'), req('MINIMA_APROBATORIA'), req('ID_CARRERA'), opt('ACUERDO')],
  },
  {
    name: SHEET_ASIGNATURAS,
    columns: [
      req('ID_INSTITUCION'), req('ID_CARRERA'), req('ID_ASIGNATURA'), opt('CLAVE_ASIGNATURA'), req('DESCRIPCION'),
      req('ID_TIPO_ASIGNATURA'), req('CREDITOS'),
    ],
  },
  {
    name: SHEET_PROGRAMAS,
    columns: [
      req('ID_INSTITUCION'), req('CLAVE_CAMPUS'), req('ID_ASIGNATURA'), req('ID_CARRERA'), req('NO_RVOE'), req('FECHA_RVOE'),
      req('CLAVE_PLAN'), req('FOLIO_ORDENAMIENTO'), opt('CURP_RESPONSABLE_PLAN_DE_ESTUDIO'),
    ],
  },
  { name: SHEET_PLANES, columns: [req('ID_CARRERA'), req('CLAVE_PLAN'), req('ID_TIPO_PERIODO'), req('ID_NIVEL_ESTUDIOS'), req('NUMERO_CICLOS')] },
];

export const PLAN_SHEET_NAMES: readonly string[] = PLAN_LAYOUT.map((s) => s.name);

/** The layout sheet a workbook sheet name stands for: exact match after trimming surrounding whitespace. */
export function layoutSheetName(name: string): string | undefined {
  const trimmed = name.trim();
  return PLAN_SHEET_NAMES.includes(trimmed) ? trimmed : undefined;
}

// ------------------------------------------------------------------ input rows

/** One data row: cells by header (header text trimmed), values as text exactly as read. */
export interface PlanRow {
  /** The layout sheet name. */
  readonly sheet: string;
  /** 1-based Excel row number (JSON: array index + 2). */
  readonly row: number;
  readonly cells: Readonly<Record<string, string>>;
}

export interface PlanSheet {
  /** The layout sheet name (the workbook's name, trimmed). */
  readonly name: string;
  /** Header texts in column order, trimmed, blanks left out, repeats kept (a repeat is an error). */
  readonly headers: readonly string[];
  readonly rows: readonly PlanRow[];
}

/** The layout as read from a workbook or a JSON document: the one input of importPlans. */
export interface PlanSource {
  readonly format: 'xlsx' | 'json';
  /** Every sheet of the workbook (keys of the JSON document), in order, as named there. */
  readonly sheetNames: readonly string[];
  /** The layout sheets found (one entry per workbook sheet whose trimmed name is a layout name). */
  readonly sheets: readonly PlanSheet[];
  /**
   * Cells the reader could not turn into text (PLAN-CELL) and header problems it saw. Such a cell
   * is not judged again by the import, so each problem is reported once.
   */
  readonly cellErrors: readonly RowError[];
}

// ------------------------------------------------------------------ context and result

export interface ExistingAsignatura {
  readonly idCarrera: string;
  readonly claveAsignatura: string;
}

export interface PlanImportContext {
  /** The importing institution's MEC id (ID_INSTITUCION, e.g. `20001`). */
  readonly idInstitucion: string;
  /** What the institution already registered: an ID_ASIGNATURA may be re-imported for the same subject only. */
  readonly existing?: { readonly asignaturas: ReadonlyMap<string, ExistingAsignatura> };
  /** The institution's registered CLAVE_CAMPUS values; when given, PROGRAMAS DE ESTUDIO rows must use one. */
  readonly campuses?: ReadonlySet<string>;
}

export interface ImportedCarrera {
  readonly idCarrera: string;
  readonly idNivelEstudios: string;
  readonly claveCarrera?: string;
  readonly nombre: string;
}

export interface ImportedRvoe {
  readonly idCarrera: string;
  readonly numero: string;
  readonly fecha: string;
  readonly calificacionMinima: number;
  readonly calificacionMaxima: number;
  readonly calificacionMinimaAprobatoria: number;
  readonly acuerdo?: string;
}

export interface ImportedAsignatura extends RegisteredAsignatura {
  readonly idAsignatura: string;
  readonly idCarrera: string;
}

/** A plan as offered at one campus (PROGRAMAS DE ESTUDIO rows grouped by plan and CLAVE_CAMPUS). */
export interface PlanCampus {
  readonly idCarrera: string;
  readonly clavePlan: string;
  readonly claveCampus: string;
  readonly curpResponsable?: string;
}

export interface PlanImportSummary {
  readonly carreras: number;
  readonly rvoes: number;
  readonly asignaturas: number;
  readonly plans: number;
  /** Data rows of PROGRAMAS DE ESTUDIO. */
  readonly programRows: number;
  /** Sheets that are not part of the layout (SEP's catalog sheets and anything else), as named. */
  readonly ignoredSheets: readonly string[];
  /** Headers of layout sheets that the layout does not define (e.g. S1's FECHA text column). */
  readonly ignoredColumns: readonly { readonly sheet: string; readonly column: string }[];
}

export type PlanImportResult =
  | {
      readonly ok: true;
      /** In PLANES row order; subjects in FOLIO_ORDENAMIENTO order. */
      readonly plans: RegisteredPlan[];
      readonly carreras: ImportedCarrera[];
      readonly rvoes: ImportedRvoe[];
      /** Every subject of ASIGNATURAS (the institution's subject registry), in row order. */
      readonly asignaturas: ImportedAsignatura[];
      readonly campuses: PlanCampus[];
      readonly summary: PlanImportSummary;
    }
  | { readonly ok: false; readonly errors: RowError[] };

// ------------------------------------------------------------------ decimal text, exact

const DECIMAL = /^(?:0|[1-9][0-9]{0,6})(?:\.[0-9]{1,2})?$/;

/** `6.25` → 625 hundredths; undefined unless a non-negative decimal with at most 2 decimals (≤ 7 integer digits). */
export function parseHundredths(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const dot = text.indexOf('.');
  if (dot < 0) return Number(text) * 100;
  const frac = text.slice(dot + 1).padEnd(2, '0');
  return Number(text.slice(0, dot)) * 100 + Number(frac);
}

/** 625 → `6.25`, 600 → `6.00`: the registered form of credits (always two decimals). */
export function formatHundredths(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  return `${whole}.${String(hundredths - whole * 100).padStart(2, '0')}`;
}

// ------------------------------------------------------------------ the import

const MAX_ID = 2_147_483_647;
const MAX_GRADE = 100;
const MAX_CICLOS = 1000;
const MAX_FOLIO = 1_000_000;
const MAX_NAME = 500;
const MAX_CLAVE = 50;
const CONTROL = /[\u0000-\u001f\u007f]/;
const ID = /^[1-9][0-9]*$/;
const GRADE = /^(?:0|[1-9][0-9]*)$/;
const CAMPUS = /^[0-9A-Za-z]{1,20}$/;
const CLAVE_CARRERA = /^[0-9A-Za-z]{1,20}$/;
const RVOE_DIGITS = /^[0-9]{1,30}$/;
const RVOE_WORD = /^(?:DECRETO|ACUERDO)(?: [^\s]+)*$/;

/**
 * Validates every row of every layout sheet and, only when nothing is wrong, builds the plans.
 * Never throws on any PlanSource content.
 */
export function importPlans(source: PlanSource, context: PlanImportContext): PlanImportResult {
  return new Importer(source, context).run();
}

interface ColumnState {
  /** Usable: header present exactly once. */
  readonly usable: ReadonlySet<string>;
}

interface SheetState {
  readonly layout: LayoutSheet;
  readonly sheet: PlanSheet | undefined;
  readonly columns: ColumnState;
  /** Data rows with at least one non-blank cell. */
  readonly rows: readonly PlanRow[];
}

interface CarreraRec extends ImportedCarrera {
  readonly row: number;
}

interface RvoeRec extends ImportedRvoe {
  readonly row: number;
}

interface AsignaturaRec extends ImportedAsignatura {
  readonly row: number;
}

interface PlanRec {
  readonly row: number;
  readonly idCarrera: string;
  readonly clavePlan: string;
  readonly idTipoPeriodo: string | undefined;
  readonly idNivelEstudios: string | undefined;
  readonly numeroCiclos: number | undefined;
}

interface ProgramRec {
  readonly row: number;
  readonly claveCampus: string | undefined;
  readonly idAsignatura: string | undefined;
  readonly numeroRvoe: string | undefined;
  readonly fechaRvoe: string | undefined;
  readonly folio: number | undefined;
  readonly curp: string | undefined;
}

interface ProgramGroup {
  readonly idCarrera: string;
  readonly clavePlan: string;
  readonly rows: ProgramRec[];
}

const cellKey = (sheet: string, row: number, column: string): string => `${sheet}\u0000${row}\u0000${column}`;
const joinKey = (...parts: readonly string[]): string => JSON.stringify(parts);

class Importer {
  private readonly errors: RowError[] = [];
  private readonly erroredCells = new Set<string>();
  private readonly states = new Map<string, SheetState>();

  private readonly carreras = new Map<string, CarreraRec>();
  private readonly rvoes = new Map<string, RvoeRec>();
  /** idCarrera → RVOE records of that carrera, for reference hints. */
  private readonly rvoesByCarrera = new Map<string, RvoeRec[]>();
  private readonly asignaturas = new Map<string, AsignaturaRec>();
  private readonly planes = new Map<string, PlanRec>();
  private readonly groups = new Map<string, ProgramGroup>();
  /**
   * Keys that rows with a malformed key probably meant (undefined parts match anything). A reference
   * to one of them is not reported: the malformed row already is, and that is the cause to fix.
   */
  private readonly loose = {
    carreras: new Set<string>(),
    asignaturas: new Set<string>(),
    rvoes: [] as (string | undefined)[][],
    planes: [] as (string | undefined)[][],
  };

  constructor(
    private readonly source: PlanSource,
    private readonly context: PlanImportContext,
  ) {}

  run(): PlanImportResult {
    for (const e of this.source.cellErrors) {
      const sheet = e.sheet.trim();
      this.errors.push({ ...e, sheet });
      if (e.column !== undefined) this.erroredCells.add(cellKey(sheet, e.row, e.column));
    }
    for (const layout of PLAN_LAYOUT) this.states.set(layout.name, this.resolveSheet(layout));

    this.readCarreras();
    this.readRvoes();
    this.readAsignaturas();
    this.readPlanes();
    this.readProgramas();
    this.checkGroups();

    if (this.errors.length > 0) return { ok: false, errors: sortErrors(this.errors) };
    return this.build();
  }

  // ---------------------------------------------------------------- sheets and headers

  private resolveSheet(layout: LayoutSheet): SheetState {
    const found = this.source.sheets.filter((s) => s.name.trim() === layout.name);
    const none: SheetState = { layout, sheet: undefined, columns: { usable: new Set() }, rows: [] };
    if (found.length === 0) {
      const near = this.source.sheetNames.filter((n) => fold(n) === fold(layout.name));
      this.error({
        sheet: layout.name, row: 0, code: 'PLAN-SHEET',
        expected: `a sheet named "${layout.name}"`,
        found: near.length > 0 ? `a sheet named "${near[0]}"` : `sheets ${listOf(this.source.sheetNames)}`,
        message: near.length > 0
          ? `The sheet "${layout.name}" is missing; "${near[0]}" is there, but sheet names must match exactly (upper case, accents and spaces as the layout writes them).`
          : `The sheet "${layout.name}" is missing.`,
      });
      return none;
    }
    if (found.length > 1) {
      this.error({
        sheet: layout.name, row: 0, code: 'PLAN-SHEET',
        expected: `one sheet named "${layout.name}"`, found: `${found.length} sheets with that name (ignoring surrounding spaces)`,
        message: `The workbook has ${found.length} sheets named "${layout.name}"; keep exactly one.`,
      });
      return none;
    }
    const sheet = found[0]!;
    if (sheet.headers.length === 0 && sheet.rows.length === 0) {
      this.error({
        sheet: layout.name, row: 0, code: 'PLAN-EMPTY', expected: 'a header row and data rows', found: 'an empty sheet',
        message: `The sheet "${layout.name}" is empty.`,
      });
      return none;
    }
    const counts = new Map<string, number>();
    for (const h of sheet.headers) counts.set(h, (counts.get(h) ?? 0) + 1);
    const usable = new Set<string>();
    for (const column of layout.columns) {
      const count = counts.get(column.name) ?? 0;
      if (count > 1) {
        this.error({
          sheet: layout.name, row: 1, column: column.name, code: 'PLAN-COLUMN',
          expected: 'the column once', found: `${count} columns headed "${column.name}"`,
          message: `The column ${column.name} appears ${count} times in the header row of "${layout.name}"; keep exactly one.`,
        });
      } else if (count === 1) {
        usable.add(column.name);
      } else if (column.required) {
        const near = sheet.headers.find((h) => fold(h) === fold(column.name));
        this.error({
          sheet: layout.name, row: 1, column: column.name, code: 'PLAN-COLUMN',
          expected: `a column headed ${column.name}`,
          found: near !== undefined ? `a column headed "${near}"` : `headers ${listOf(sheet.headers)}`,
          message: near !== undefined
            ? `The column ${column.name} is missing from "${layout.name}"; "${near}" is there, but headers must match exactly (case-sensitive).`
            : `The required column ${column.name} is missing from the header row of "${layout.name}".`,
        });
      }
    }
    const rows = sheet.rows.filter((r) => Object.values(r.cells).some((v) => v.trim() !== ''));
    if (rows.length === 0) {
      this.error({
        sheet: layout.name, row: 0, code: 'PLAN-EMPTY', expected: 'at least one data row', found: 'no data rows',
        message: `The sheet "${layout.name}" has a header row but no data rows.`,
      });
    }
    return { layout, sheet, columns: { usable }, rows };
  }

  private state(name: string): SheetState {
    return this.states.get(name)!;
  }

  /**
   * Whether lookups into a sheet by these columns are meaningful: the sheet is present, has data rows
   * (an empty sheet is reported once, as PLAN-EMPTY, not once per row pointing into it) and the
   * columns are usable.
   */
  private usable(name: string, ...columns: string[]): boolean {
    const st = this.state(name);
    return st.sheet !== undefined && st.rows.length > 0 && columns.every((c) => st.columns.usable.has(c));
  }

  private reader(name: string, row: PlanRow): Cells {
    return new Cells(this, name, row, this.state(name).columns);
  }

  error(e: RowError): void {
    this.errors.push(e);
  }

  cellErrored(sheet: string, row: number, column: string): boolean {
    return this.erroredCells.has(cellKey(sheet, row, column));
  }

  // ---------------------------------------------------------------- CARRERAS

  private readCarreras(): void {
    for (const row of this.state(SHEET_CARRERAS).rows) {
      const c = this.reader(SHEET_CARRERAS, row);
      this.institution(c);
      const idNivel = c.catalog('ID_NIVEL', NIVELES_ESTUDIOS, 'nivel de estudios');
      const idCarrera = c.id('ID_CARRERA');
      const clave = c.pattern('CLAVE_CARRERA', CLAVE_CARRERA, 'the DGP clave de carrera: 1 to 20 letters or digits (e.g. 612301)');
      const nombre = c.text('DESCRIPCION', MAX_NAME);
      if (idCarrera === undefined) {
        const probable = c.probableId('ID_CARRERA');
        if (probable !== undefined) this.loose.carreras.add(probable);
        continue;
      }
      const earlier = this.carreras.get(idCarrera);
      if (earlier !== undefined) {
        c.fail('ID_CARRERA', 'PLAN-DUPLICATE', `ID_CARRERA ${idCarrera} is already used on row ${earlier.row}; each carrera is listed once.`,
          'a unique ID_CARRERA', idCarrera);
        continue;
      }
      if (idNivel === undefined || nombre === undefined || clave === undefined) {
        // Keep the key so that references to this carrera are not reported as missing too.
        this.carreras.set(idCarrera, { row: row.row, idCarrera, idNivelEstudios: idNivel ?? '', nombre: nombre ?? '' });
        continue;
      }
      this.carreras.set(idCarrera, {
        row: row.row, idCarrera, idNivelEstudios: idNivel, nombre, ...(clave !== '' ? { claveCarrera: clave } : {}),
      });
    }
  }

  /** PLAN-REFERENCE unless idCarrera is a carrera of the CARRERAS sheet (not checked when that sheet is unusable). */
  private carreraRef(c: Cells, column: string, idCarrera: string | undefined): CarreraRec | undefined {
    if (idCarrera === undefined || !this.usable(SHEET_CARRERAS, 'ID_CARRERA')) return undefined;
    const carrera = this.carreras.get(idCarrera);
    if (carrera === undefined && !this.loose.carreras.has(idCarrera)) {
      c.fail(column, 'PLAN-REFERENCE', `ID_CARRERA ${idCarrera} is not listed in the sheet "${SHEET_CARRERAS}".`,
        `an ID_CARRERA of "${SHEET_CARRERAS}"`, idCarrera);
    }
    return carrera;
  }

  // ---------------------------------------------------------------- NUMERO DE RVOE

  private readRvoes(): void {
    for (const row of this.state(SHEET_RVOE).rows) {
      const c = this.reader(SHEET_RVOE, row);
      const numero = c.rvoe('NO_RVOE');
      const fecha = c.date('FECHA_RVOE');
      const min = c.grade('CALIF_MINIMA');
      const max = c.grade('CALIF_MAXIMA');
      const passing = c.decimal('MINIMA_APROBATORIA', 'a grade with at most two decimals (e.g. 6.00)');
      const idCarrera = c.id('ID_CARRERA');
      const acuerdo = c.optionalText('ACUERDO', MAX_NAME);
      this.carreraRef(c, 'ID_CARRERA', idCarrera);
      let gradesOk = min !== undefined && max !== undefined && passing !== undefined;
      if (min !== undefined && max !== undefined && min >= max) {
        gradesOk = false;
        c.fail('CALIF_MAXIMA', 'PLAN-GRADES', `CALIF_MINIMA (${min}) must be lower than CALIF_MAXIMA (${max}).`,
          `CALIF_MAXIMA greater than ${min}`, String(max));
      } else if (min !== undefined && max !== undefined && passing !== undefined && (passing < min * 100 || passing > max * 100)) {
        gradesOk = false;
        c.fail('MINIMA_APROBATORIA', 'PLAN-GRADES',
          `MINIMA_APROBATORIA (${formatHundredths(passing)}) must lie between CALIF_MINIMA (${min}) and CALIF_MAXIMA (${max}).`,
          `a grade from ${min} to ${max}`, c.value('MINIMA_APROBATORIA'));
      }
      if (numero === undefined || fecha === undefined || idCarrera === undefined) {
        addLoose(this.loose.rvoes, [idCarrera ?? c.probableId('ID_CARRERA'), numero ?? c.probableRvoe('NO_RVOE'), fecha]);
        continue;
      }
      const key = joinKey(idCarrera, numero, fecha);
      const earlier = this.rvoes.get(key);
      if (earlier !== undefined) {
        c.fail('NO_RVOE', 'PLAN-DUPLICATE',
          `The RVOE ${numero} of ${fecha} for ID_CARRERA ${idCarrera} is already listed on row ${earlier.row}.`,
          'each RVOE (NO_RVOE, FECHA_RVOE, ID_CARRERA) once', numero);
        continue;
      }
      const rec: RvoeRec = {
        row: row.row, idCarrera, numero, fecha,
        calificacionMinima: gradesOk ? min! : 0,
        calificacionMaxima: gradesOk ? max! : 0,
        calificacionMinimaAprobatoria: gradesOk ? passing! / 100 : 0,
        ...(acuerdo !== undefined && acuerdo !== '' ? { acuerdo } : {}),
      };
      this.rvoes.set(key, rec);
      const list = this.rvoesByCarrera.get(idCarrera);
      if (list === undefined) this.rvoesByCarrera.set(idCarrera, [rec]);
      else list.push(rec);
    }
  }

  // ---------------------------------------------------------------- ASIGNATURAS

  private readAsignaturas(): void {
    const existing = this.context.existing?.asignaturas;
    for (const row of this.state(SHEET_ASIGNATURAS).rows) {
      const c = this.reader(SHEET_ASIGNATURAS, row);
      this.institution(c);
      const idCarrera = c.id('ID_CARRERA');
      const idAsignatura = c.id('ID_ASIGNATURA');
      const clave = c.optionalText('CLAVE_ASIGNATURA', MAX_CLAVE);
      const nombre = c.text('DESCRIPCION', MAX_NAME);
      const tipo = c.catalog('ID_TIPO_ASIGNATURA', TIPOS_ASIGNATURA, 'tipo de asignatura');
      const creditos = c.decimal('CREDITOS', 'credits: a number ≥ 0 with at most two decimals (e.g. 6.25)');
      this.carreraRef(c, 'ID_CARRERA', idCarrera);
      if (idAsignatura === undefined) {
        const probable = c.probableId('ID_ASIGNATURA');
        if (probable !== undefined) this.loose.asignaturas.add(probable);
        continue;
      }
      const earlier = this.asignaturas.get(idAsignatura);
      if (earlier !== undefined) {
        c.fail('ID_ASIGNATURA', 'PLAN-DUPLICATE',
          `ID_ASIGNATURA ${idAsignatura} is already used on row ${earlier.row}; subject ids are unique across the institution.`,
          'a unique ID_ASIGNATURA', idAsignatura);
        continue;
      }
      const registered = existing?.get(idAsignatura);
      if (registered !== undefined && idCarrera !== undefined && clave !== undefined &&
        (registered.idCarrera !== idCarrera || registered.claveAsignatura !== clave)) {
        c.fail('ID_ASIGNATURA', 'PLAN-ID-REUSED',
          `ID_ASIGNATURA ${idAsignatura} is already registered for the subject with CLAVE_ASIGNATURA "${registered.claveAsignatura}" of ` +
          `ID_CARRERA ${registered.idCarrera}; an id can be imported again only for that same subject, so give this subject a new id.`,
          `ID_CARRERA ${registered.idCarrera} and CLAVE_ASIGNATURA "${registered.claveAsignatura}"`,
          `ID_CARRERA ${idCarrera} and CLAVE_ASIGNATURA "${clave}"`);
      }
      this.asignaturas.set(idAsignatura, {
        row: row.row, idAsignatura, idCarrera: idCarrera ?? '',
        claveAsignatura: clave ?? '', nombre: nombre ?? '', idTipoAsignatura: tipo ?? '',
        creditos: creditos === undefined ? '' : formatHundredths(creditos),
      });
    }
  }

  // ---------------------------------------------------------------- PLANES

  private readPlanes(): void {
    for (const row of this.state(SHEET_PLANES).rows) {
      const c = this.reader(SHEET_PLANES, row);
      const idCarrera = c.id('ID_CARRERA');
      const clavePlan = c.text('CLAVE_PLAN', MAX_CLAVE);
      const idTipoPeriodo = c.catalog('ID_TIPO_PERIODO', TIPOS_PERIODO, 'tipo de periodo');
      const idNivel = c.catalog('ID_NIVEL_ESTUDIOS', NIVELES_ESTUDIOS, 'nivel de estudios');
      const ciclos = c.positive('NUMERO_CICLOS', MAX_CICLOS);
      const carrera = this.carreraRef(c, 'ID_CARRERA', idCarrera);
      if (carrera !== undefined && idNivel !== undefined && carrera.idNivelEstudios !== '' && carrera.idNivelEstudios !== idNivel) {
        c.fail('ID_NIVEL_ESTUDIOS', 'PLAN-CONFLICT',
          `ID_NIVEL_ESTUDIOS ${idNivel} differs from the ID_NIVEL ${carrera.idNivelEstudios} of carrera ${carrera.idCarrera} (sheet "${SHEET_CARRERAS}", row ${carrera.row}).`,
          carrera.idNivelEstudios, idNivel);
      }
      if (idCarrera === undefined || clavePlan === undefined) {
        addLoose(this.loose.planes, [idCarrera ?? c.probableId('ID_CARRERA'), clavePlan]);
        continue;
      }
      const key = joinKey(idCarrera, clavePlan);
      const earlier = this.planes.get(key);
      if (earlier !== undefined) {
        c.fail('CLAVE_PLAN', 'PLAN-DUPLICATE', `The plan ${clavePlan} of ID_CARRERA ${idCarrera} is already listed on row ${earlier.row}.`,
          'each plan (ID_CARRERA, CLAVE_PLAN) once', clavePlan);
        continue;
      }
      this.planes.set(key, { row: row.row, idCarrera, clavePlan, idTipoPeriodo, idNivelEstudios: idNivel, numeroCiclos: ciclos });
    }
  }

  // ---------------------------------------------------------------- PROGRAMAS DE ESTUDIO

  private readProgramas(): void {
    const campuses = this.context.campuses;
    for (const row of this.state(SHEET_PROGRAMAS).rows) {
      const c = this.reader(SHEET_PROGRAMAS, row);
      this.institution(c);
      const claveCampus = c.pattern('CLAVE_CAMPUS', CAMPUS, 'the DGP clave de campus: 1 to 20 letters or digits');
      const idAsignatura = c.id('ID_ASIGNATURA');
      const idCarrera = c.id('ID_CARRERA');
      const numeroRvoe = c.rvoe('NO_RVOE');
      const fechaRvoe = c.date('FECHA_RVOE');
      const clavePlan = c.text('CLAVE_PLAN', MAX_CLAVE);
      const folio = c.positive('FOLIO_ORDENAMIENTO', MAX_FOLIO);
      const curp = c.curp('CURP_RESPONSABLE_PLAN_DE_ESTUDIO');

      if (claveCampus !== undefined && claveCampus !== '' && campuses !== undefined && !campuses.has(claveCampus)) {
        const padded = [...campuses].find((k) => k.replace(/^0+/, '') === claveCampus);
        c.fail('CLAVE_CAMPUS', 'PLAN-REFERENCE', `CLAVE_CAMPUS ${claveCampus} is not a campus registered for the institution` +
          (padded !== undefined ? ` (did Excel drop the leading zero of ${padded}? type the clave as text).` : '.'),
          `one of ${listOf([...campuses])}`, claveCampus);
      }
      this.carreraRef(c, 'ID_CARRERA', idCarrera);
      if (idAsignatura !== undefined && this.usable(SHEET_ASIGNATURAS, 'ID_ASIGNATURA')) {
        const asignatura = this.asignaturas.get(idAsignatura);
        if (asignatura === undefined && this.loose.asignaturas.has(idAsignatura)) {
          // reported at its ASIGNATURAS row
        } else if (asignatura === undefined) {
          c.fail('ID_ASIGNATURA', 'PLAN-REFERENCE', `ID_ASIGNATURA ${idAsignatura} is not listed in the sheet "${SHEET_ASIGNATURAS}".`,
            `an ID_ASIGNATURA of "${SHEET_ASIGNATURAS}"`, idAsignatura);
        } else if (idCarrera !== undefined && asignatura.idCarrera !== '' && asignatura.idCarrera !== idCarrera) {
          c.fail('ID_ASIGNATURA', 'PLAN-REFERENCE',
            `ID_ASIGNATURA ${idAsignatura} belongs to ID_CARRERA ${asignatura.idCarrera} (sheet "${SHEET_ASIGNATURAS}", row ${asignatura.row}), not to ${idCarrera}.`,
            `a subject of ID_CARRERA ${idCarrera}`, `a subject of ID_CARRERA ${asignatura.idCarrera}`);
        }
      }
      if (idCarrera !== undefined && numeroRvoe !== undefined && fechaRvoe !== undefined &&
        this.usable(SHEET_RVOE, 'ID_CARRERA', 'NO_RVOE', 'FECHA_RVOE') && !this.rvoes.has(joinKey(idCarrera, numeroRvoe, fechaRvoe)) &&
        !matchesLoose(this.loose.rvoes, [idCarrera, numeroRvoe, fechaRvoe])) {
        const known = (this.rvoesByCarrera.get(idCarrera) ?? []).map((r) => `${r.numero} of ${r.fecha}`);
        c.fail('NO_RVOE', 'PLAN-REFERENCE',
          `The RVOE ${numeroRvoe} of ${fechaRvoe} for ID_CARRERA ${idCarrera} is not listed in the sheet "${SHEET_RVOE}"` +
          (known.length > 0 ? ` (that carrera has ${known.join(', ')}).` : '.'),
          known.length > 0 ? `one of ${known.join(', ')}` : `an RVOE of "${SHEET_RVOE}" for ID_CARRERA ${idCarrera}`,
          `${numeroRvoe} of ${fechaRvoe}`);
      }
      if (idCarrera === undefined || clavePlan === undefined) continue;
      const key = joinKey(idCarrera, clavePlan);
      if (this.usable(SHEET_PLANES, 'ID_CARRERA', 'CLAVE_PLAN') && !this.planes.has(key) && !matchesLoose(this.loose.planes, [idCarrera, clavePlan])) {
        c.fail('CLAVE_PLAN', 'PLAN-REFERENCE', `The plan ${clavePlan} of ID_CARRERA ${idCarrera} is not listed in the sheet "${SHEET_PLANES}".`,
          `a plan (ID_CARRERA, CLAVE_PLAN) of "${SHEET_PLANES}"`, clavePlan);
      }
      let group = this.groups.get(key);
      if (group === undefined) {
        group = { idCarrera, clavePlan, rows: [] };
        this.groups.set(key, group);
      }
      group.rows.push({
        row: row.row,
        claveCampus: claveCampus === '' ? undefined : claveCampus,
        idAsignatura, numeroRvoe, fechaRvoe, folio,
        curp: curp === '' ? undefined : curp,
      });
    }
  }

  /** Agreement between the rows of one plan, and plans without subjects. */
  private checkGroups(): void {
    for (const group of this.groups.values()) {
      this.checkRvoeAgreement(group);
      const byCampus = new Map<string, Map<string, ProgramRec>>();
      for (const [campus, rows] of campusesOf(group)) byCampus.set(campus, this.checkCampus(group, campus, rows));
      this.checkCampusAgreement(group, byCampus);
    }
    if (!this.usable(SHEET_PROGRAMAS, 'ID_CARRERA', 'CLAVE_PLAN')) return;
    for (const [key, plan] of this.planes) {
      if (this.groups.has(key)) continue;
      this.error({
        sheet: SHEET_PLANES, row: plan.row, column: 'CLAVE_PLAN', code: 'PLAN-EMPTY',
        expected: `rows in "${SHEET_PROGRAMAS}" for this plan`, found: 'no subjects',
        message: `The plan ${plan.clavePlan} of ID_CARRERA ${plan.idCarrera} has no subjects: no row of "${SHEET_PROGRAMAS}" lists it.`,
      });
    }
  }

  private checkRvoeAgreement(group: ProgramGroup): void {
    const first = group.rows.find((r) => r.numeroRvoe !== undefined && r.fechaRvoe !== undefined);
    if (first === undefined) return;
    for (const r of group.rows) {
      if (r === first || r.numeroRvoe === undefined || r.fechaRvoe === undefined) continue;
      if (r.numeroRvoe === first.numeroRvoe && r.fechaRvoe === first.fechaRvoe) continue;
      const column = r.numeroRvoe !== first.numeroRvoe ? 'NO_RVOE' : 'FECHA_RVOE';
      this.error({
        sheet: SHEET_PROGRAMAS, row: r.row, column, code: 'PLAN-CONFLICT',
        expected: `${first.numeroRvoe} of ${first.fechaRvoe}`, found: `${r.numeroRvoe} of ${r.fechaRvoe}`,
        message: `The plan ${group.clavePlan} of ID_CARRERA ${group.idCarrera} has RVOE ${first.numeroRvoe} of ${first.fechaRvoe} on row ${first.row} ` +
          `but ${r.numeroRvoe} of ${r.fechaRvoe} here; a plan has one RVOE.`,
      });
    }
  }

  /** Duplicates within one campus; returns the campus's subjects by id. */
  private checkCampus(group: ProgramGroup, campus: string, rows: readonly ProgramRec[]): Map<string, ProgramRec> {
    const subjects = new Map<string, ProgramRec>();
    const folios = new Map<number, ProgramRec>();
    let curp: ProgramRec | undefined;
    const where = `the plan ${group.clavePlan} of ID_CARRERA ${group.idCarrera} at campus ${campus}`;
    for (const r of rows) {
      if (r.idAsignatura !== undefined) {
        const earlier = subjects.get(r.idAsignatura);
        if (earlier !== undefined) {
          this.error({
            sheet: SHEET_PROGRAMAS, row: r.row, column: 'ID_ASIGNATURA', code: 'PLAN-DUPLICATE',
            expected: 'each subject once per plan and campus', found: r.idAsignatura,
            message: `ID_ASIGNATURA ${r.idAsignatura} is already listed for ${where} on row ${earlier.row}.`,
          });
        } else {
          subjects.set(r.idAsignatura, r);
        }
      }
      if (r.folio !== undefined) {
        const earlier = folios.get(r.folio);
        if (earlier !== undefined) {
          this.error({
            sheet: SHEET_PROGRAMAS, row: r.row, column: 'FOLIO_ORDENAMIENTO', code: 'PLAN-DUPLICATE',
            expected: 'a distinct FOLIO_ORDENAMIENTO per subject of the plan', found: String(r.folio),
            message: `FOLIO_ORDENAMIENTO ${r.folio} is already used for ${where} on row ${earlier.row}; it orders the plan's subjects.`,
          });
        } else {
          folios.set(r.folio, r);
        }
      }
      if (r.curp !== undefined) {
        if (curp === undefined) curp = r;
        else if (curp.curp !== r.curp) {
          this.error({
            sheet: SHEET_PROGRAMAS, row: r.row, column: 'CURP_RESPONSABLE_PLAN_DE_ESTUDIO', code: 'PLAN-CONFLICT',
            expected: curp.curp!, found: r.curp,
            message: `${capitalize(where)} names the responsable ${curp.curp} on row ${curp.row} but ${r.curp} here; one responsable per plan and campus.`,
          });
        }
      }
    }
    return subjects;
  }

  /** Every campus offering a plan lists the same subjects in the same order. */
  private checkCampusAgreement(group: ProgramGroup, byCampus: ReadonlyMap<string, ReadonlyMap<string, ProgramRec>>): void {
    const [first, ...others] = [...byCampus.entries()];
    if (first === undefined) return;
    const [refCampus, ref] = first;
    const plan = `The plan ${group.clavePlan} of ID_CARRERA ${group.idCarrera}`;
    for (const [campus, subjects] of others) {
      for (const [id, r] of subjects) {
        const twin = ref.get(id);
        if (twin === undefined) {
          this.error({
            sheet: SHEET_PROGRAMAS, row: r.row, column: 'ID_ASIGNATURA', code: 'PLAN-CONFLICT',
            expected: `the subjects listed for campus ${refCampus}`, found: id,
            message: `${plan} lists ID_ASIGNATURA ${id} at campus ${campus} but not at campus ${refCampus}; a plan has the same subjects at every campus.`,
          });
        } else if (twin.folio !== undefined && r.folio !== undefined && twin.folio !== r.folio) {
          this.error({
            sheet: SHEET_PROGRAMAS, row: r.row, column: 'FOLIO_ORDENAMIENTO', code: 'PLAN-CONFLICT',
            expected: String(twin.folio), found: String(r.folio),
            message: `${plan} orders ID_ASIGNATURA ${id} as ${twin.folio} at campus ${refCampus} (row ${twin.row}) but as ${r.folio} at campus ${campus}.`,
          });
        }
      }
      for (const [id, r] of ref) {
        if (subjects.has(id)) continue;
        this.error({
          sheet: SHEET_PROGRAMAS, row: r.row, column: 'ID_ASIGNATURA', code: 'PLAN-CONFLICT',
          expected: `ID_ASIGNATURA ${id} also at campus ${campus}`, found: `missing at campus ${campus}`,
          message: `${plan} lists ID_ASIGNATURA ${id} at campus ${refCampus} but not at campus ${campus}; a plan has the same subjects at every campus.`,
        });
      }
    }
  }

  // ---------------------------------------------------------------- shared row checks

  private institution(c: Cells): void {
    const id = c.id('ID_INSTITUCION');
    if (id !== undefined && id !== this.context.idInstitucion) {
      c.fail('ID_INSTITUCION', 'PLAN-INSTITUTION',
        `ID_INSTITUCION ${id} is not the importing institution (${this.context.idInstitucion}); a layout registers one institution's plans.`,
        this.context.idInstitucion, id);
    }
  }

  // ---------------------------------------------------------------- build (no errors at all)

  private build(): PlanImportResult {
    const plans: RegisteredPlan[] = [];
    const campuses: PlanCampus[] = [];
    for (const [key, p] of this.planes) {
      const group = this.groups.get(key)!;
      const carrera = this.carreras.get(p.idCarrera)!;
      const byCampus = campusesOf(group);
      const [firstCampus] = byCampus.keys();
      const rows = [...byCampus.get(firstCampus!)!].sort((a, b) => a.folio! - b.folio!);
      const first = rows[0]!;
      const rvoe = this.rvoes.get(joinKey(p.idCarrera, first.numeroRvoe!, first.fechaRvoe!))!;
      const asignaturas = new Map<string, RegisteredAsignatura>();
      let total = 0;
      for (const r of rows) {
        const a = this.asignaturas.get(r.idAsignatura!)!;
        asignaturas.set(a.idAsignatura, {
          claveAsignatura: a.claveAsignatura, nombre: a.nombre, idTipoAsignatura: a.idTipoAsignatura, creditos: a.creditos,
        });
        total += parseHundredths(a.creditos)!;
      }
      plans.push({
        idCarrera: p.idCarrera,
        ...(carrera.claveCarrera !== undefined ? { claveCarrera: carrera.claveCarrera } : {}),
        nombreCarrera: carrera.nombre,
        clavePlan: p.clavePlan,
        idTipoPeriodo: p.idTipoPeriodo!,
        idNivelEstudios: p.idNivelEstudios!,
        numeroCiclos: p.numeroCiclos!,
        rvoe: { numero: rvoe.numero, fecha: rvoe.fecha },
        calificacionMinima: rvoe.calificacionMinima,
        calificacionMaxima: rvoe.calificacionMaxima,
        calificacionMinimaAprobatoria: rvoe.calificacionMinimaAprobatoria,
        asignaturas,
        totalCreditos: formatHundredths(total),
      });
      for (const [campus, campusRows] of byCampus) {
        const curp = campusRows.find((r) => r.curp !== undefined)?.curp;
        campuses.push({ idCarrera: p.idCarrera, clavePlan: p.clavePlan, claveCampus: campus, ...(curp !== undefined ? { curpResponsable: curp } : {}) });
      }
    }
    const strip = <T extends { row: number }>({ row: _row, ...rest }: T): Omit<T, 'row'> => rest;
    return {
      ok: true,
      plans,
      carreras: [...this.carreras.values()].map(strip),
      rvoes: [...this.rvoes.values()].map(strip),
      asignaturas: [...this.asignaturas.values()].map(strip),
      campuses,
      summary: this.summary(plans.length),
    };
  }

  private summary(plans: number): PlanImportSummary {
    const ignoredColumns: { sheet: string; column: string }[] = [];
    for (const st of this.states.values()) {
      if (st.sheet === undefined) continue;
      const known = new Set(st.layout.columns.map((c) => c.name));
      for (const h of st.sheet.headers) if (!known.has(h)) ignoredColumns.push({ sheet: st.layout.name, column: h });
    }
    return {
      carreras: this.carreras.size,
      rvoes: this.rvoes.size,
      asignaturas: this.asignaturas.size,
      plans,
      programRows: this.state(SHEET_PROGRAMAS).rows.length,
      ignoredSheets: this.source.sheetNames.filter((n) => layoutSheetName(n) === undefined),
      ignoredColumns,
    };
  }
}

/** Records the probable key of a row whose key is malformed, when at least one part is known. */
function addLoose(list: (string | undefined)[][], parts: (string | undefined)[]): void {
  if (parts.some((p) => p !== undefined)) list.push(parts);
}

function matchesLoose(list: readonly (readonly (string | undefined)[])[], key: readonly string[]): boolean {
  return list.some((parts) => parts.every((p, i) => p === undefined || p === key[i]));
}

/** A plan's rows by campus, campuses in order of first appearance (rows without a valid campus left out). */
function campusesOf(group: ProgramGroup): Map<string, ProgramRec[]> {
  const map = new Map<string, ProgramRec[]>();
  for (const r of group.rows) {
    if (r.claveCampus === undefined) continue;
    const list = map.get(r.claveCampus);
    if (list === undefined) map.set(r.claveCampus, [r]);
    else list.push(r);
  }
  return map;
}

/**
 * The cells of one data row, with a validator per value type. Each validator reports its own error
 * and returns undefined when the value is unusable; an unusable column (missing or repeated header)
 * or a cell the reader already reported yields undefined silently.
 */
class Cells {
  constructor(
    private readonly imp: Importer,
    private readonly sheet: string,
    private readonly row: PlanRow,
    private readonly columns: ColumnState,
  ) {}

  /** The trimmed value, '' when blank or absent. */
  value(column: string): string {
    return (this.row.cells[column] ?? '').trim();
  }

  fail(column: string, code: PlanErrorCode, message: string, expected?: string, found?: string): void {
    this.imp.error({
      sheet: this.sheet, row: this.row.row, column, code,
      ...(expected !== undefined ? { expected } : {}),
      ...(found !== undefined ? { found: clip(found) } : {}),
      message,
    });
  }

  /** The value to judge: undefined when the column is unusable or the cell was already reported. */
  private usable(column: string): string | undefined {
    if (!this.columns.usable.has(column)) return undefined;
    if (this.imp.cellErrored(this.sheet, this.row.row, column)) return undefined;
    return this.value(column);
  }

  /** A required value: '' is reported (PLAN-REQUIRED) and yields undefined. */
  private present(column: string): string | undefined {
    const v = this.usable(column);
    if (v === '') this.fail(column, 'PLAN-REQUIRED', `${column} is blank; it is required.`, 'a value', '(blank)');
    return v === '' ? undefined : v;
  }

  private plainText(column: string, v: string, max: number): string | undefined {
    if (CONTROL.test(v)) {
      this.fail(column, 'PLAN-FORMAT', `${column} holds control characters (line breaks, tabs); write it on one line.`,
        'text without control characters', JSON.stringify(v));
      return undefined;
    }
    if (v.length > max) {
      this.fail(column, 'PLAN-FORMAT', `${column} is ${v.length} characters long; the limit is ${max}.`, `at most ${max} characters`, v);
      return undefined;
    }
    return v;
  }

  text(column: string, max: number): string | undefined {
    const v = this.present(column);
    return v === undefined ? undefined : this.plainText(column, v, max);
  }

  /** '' when blank (or the column is absent), undefined when invalid. */
  optionalText(column: string, max: number): string | undefined {
    if (!this.columns.usable.has(column)) return '';
    const v = this.usable(column);
    if (v === undefined) return undefined;
    return v === '' ? '' : this.plainText(column, v, max);
  }

  /** A value with a pattern (required or optional as the layout says): '' when optional and blank, undefined when invalid. */
  pattern(column: string, re: RegExp, expected: string): string | undefined {
    const layoutRequired = isRequired(this.sheet, column);
    const v = layoutRequired ? this.present(column) : this.optionalText(column, MAX_CLAVE);
    if (v === undefined || v === '') return v;
    if (!re.test(v)) {
      this.fail(column, 'PLAN-FORMAT', `${column} "${clip(v)}" is not ${expected}.`, expected, v);
      return undefined;
    }
    return v;
  }

  curp(column: string): string | undefined {
    const v = this.optionalText(column, 18 * 4);
    if (v === undefined || v === '') return v;
    if (!isCurp(v)) {
      this.fail(column, 'PLAN-FORMAT', `${column} "${clip(v)}" is not a CURP (18 characters, upper case).`, 'an 18-character CURP', v);
      return undefined;
    }
    return v;
  }

  /** The id a malformed value probably stands for (`0101` → `101`, `2.0` → `2`), or undefined. */
  probableId(column: string): string | undefined {
    const m = /^0*([1-9][0-9]{0,9})(?:\.0+)?$/.exec(this.value(column));
    return m === null ? undefined : m[1];
  }

  /** The RVOE number a malformed value probably stands for (`acuerdo 1980` → `ACUERDO 1980`), or undefined. */
  probableRvoe(column: string): string | undefined {
    const upper = this.value(column).toUpperCase();
    return RVOE_WORD.test(upper) && upper.length <= 60 ? upper : undefined;
  }

  /** A positive integer id without leading zeros (ID_CARRERA, ID_ASIGNATURA, ID_INSTITUCION). */
  id(column: string): string | undefined {
    const v = this.present(column);
    if (v === undefined) return undefined;
    if (!ID.test(v) || v.length > 10 || Number(v) > MAX_ID) {
      this.fail(column, 'PLAN-INTEGER', `${column} "${clip(v)}" is not an integer id${hint(v)}.`,
        'a positive integer without leading zeros or decimals (e.g. 12)', v);
      return undefined;
    }
    return v;
  }

  /** A catalog id: integer format, then membership. */
  catalog(column: string, cat: Catalog, what: string): string | undefined {
    const v = this.present(column);
    if (v === undefined) return undefined;
    if (!ID.test(v) || v.length > 10) {
      this.fail(column, 'PLAN-INTEGER', `${column} "${clip(v)}" is not an integer id${hint(v)}.`, `a ${what} id (e.g. ${firstId(cat)})`, v);
      return undefined;
    }
    if (!cat.entries.has(v)) {
      this.fail(column, 'PLAN-CATALOG', `${column} ${v} is not in the ${what} catalog.`,
        `one of ${[...cat.entries.values()].map((e) => `${e.id} ${e.text}`).join(', ')}`, v);
      return undefined;
    }
    return v;
  }

  /** A positive integer (NUMERO_CICLOS, FOLIO_ORDENAMIENTO). */
  positive(column: string, max: number): number | undefined {
    const v = this.present(column);
    if (v === undefined) return undefined;
    if (!ID.test(v) || v.length > 10 || Number(v) > max) {
      this.fail(column, 'PLAN-INTEGER', `${column} "${clip(v)}" is not a whole number from 1 to ${max}${hint(v)}.`,
        `a whole number from 1 to ${max}`, v);
      return undefined;
    }
    return Number(v);
  }

  /** CALIF_MINIMA / CALIF_MAXIMA: integers without decimals, 0 to 100. */
  grade(column: string): number | undefined {
    const v = this.present(column);
    if (v === undefined) return undefined;
    if (!GRADE.test(v) || v.length > 3 || Number(v) > MAX_GRADE) {
      this.fail(column, 'PLAN-INTEGER', `${column} "${clip(v)}" is not a whole grade from 0 to ${MAX_GRADE} written without decimals${hint(v)}.`,
        'a whole number without decimals (e.g. 5, 10)', v);
      return undefined;
    }
    return Number(v);
  }

  /** A decimal with at most two decimals, in hundredths. */
  decimal(column: string, expected: string): number | undefined {
    const v = this.present(column);
    if (v === undefined) return undefined;
    const h = parseHundredths(v);
    if (h === undefined) {
      const comma = /^[0-9]+,[0-9]+$/.test(v) ? ' (write the decimal point as ".", not ",")' : '';
      this.fail(column, 'PLAN-DECIMAL', `${column} "${clip(v)}" is not ${expected}${comma}.`, expected, v);
    }
    return h;
  }

  date(column: string): string | undefined {
    const v = this.present(column);
    if (v === undefined) return undefined;
    if (!isIsoDate(v)) {
      this.fail(column, 'PLAN-DATE', `${column} "${clip(v)}" is not a calendar date written AAAA-MM-DD (or a date cell).`,
        'AAAA-MM-DD (e.g. 2014-08-29)', v);
      return undefined;
    }
    return v;
  }

  rvoe(column: string): string | undefined {
    const v = this.present(column);
    if (v === undefined) return undefined;
    if (RVOE_DIGITS.test(v) || (RVOE_WORD.test(v) && v.length <= 60 && v === v.toUpperCase() && !CONTROL.test(v))) return v;
    const upper = v.toUpperCase();
    const caseHint = RVOE_WORD.test(upper) ? ' (write DECRETO / ACUERDO in upper case)' : '';
    this.fail(column, 'PLAN-RVOE', `${column} "${clip(v)}" is not an RVOE number${caseHint}.`,
      'digits (e.g. 20140252), or DECRETO / ACUERDO in upper case with its number if it has one (e.g. ACUERDO 1980)', v);
    return undefined;
  }
}

function isRequired(sheet: string, column: string): boolean {
  return PLAN_LAYOUT.find((s) => s.name === sheet)?.columns.find((c) => c.name === column)?.required ?? false;
}

function hint(v: string): string {
  if (/^0[0-9]+$/.test(v)) return ' (leading zeros are not allowed)';
  if (/^[0-9]+[.,][0-9]*$/.test(v)) return ' (decimals are not allowed)';
  return '';
}

function firstId(cat: Catalog): string {
  return [...cat.entries.keys()][0] ?? '';
}

/** Trimmed, accent-free, upper-case, single-spaced: to suggest the name that was probably meant. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[\s_]+/g, ' ').trim();
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function listOf(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, 20).map((n) => `"${clip(n)}"`).join(', ');
  return names.length > 20 ? `${shown}, … (${names.length} in all)` : shown;
}

const SHEET_ORDER = new Map<string, number>([['', 0], ...PLAN_SHEET_NAMES.map((n, i): [string, number] => [n, i + 1])]);

/** File errors first, then layout sheets in layout order, then by row; stable within a row. */
function sortErrors(errors: RowError[]): RowError[] {
  const order = (e: RowError): number => SHEET_ORDER.get(e.sheet) ?? PLAN_SHEET_NAMES.length + 1;
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => order(a.e) - order(b.e) || a.e.row - b.e.row || a.i - b.i)
    .map((x) => x.e);
}

// ------------------------------------------------------------------ identity and versions

/** A plan's identity: (idCarrera, clavePlan). Two versions of one plan share it. */
export function planKey(plan: Pick<RegisteredPlan, 'idCarrera' | 'clavePlan'>): string {
  return joinKey(plan.idCarrera, plan.clavePlan);
}

/** Credits compared as numbers: `6`, `6.0` and `6.00` are one value. */
function canonicalDecimal(text: string): string {
  const h = parseHundredths(text);
  return h === undefined ? text : formatHundredths(h);
}

/**
 * A fingerprint of a plan's whole content (`sha256:` + hex): every field of RegisteredPlan,
 * subjects in plan order, credits compared as decimals. Equal keys ⇔ the same plan version.
 */
export function planVersionKey(plan: RegisteredPlan): string {
  const canonical = JSON.stringify([
    plan.idCarrera,
    plan.claveCarrera ?? null,
    plan.nombreCarrera ?? null,
    plan.clavePlan,
    plan.idTipoPeriodo,
    plan.idNivelEstudios,
    plan.numeroCiclos,
    plan.rvoe.numero,
    plan.rvoe.fecha,
    plan.calificacionMinima,
    plan.calificacionMaxima,
    plan.calificacionMinimaAprobatoria,
    [...plan.asignaturas].map(([id, a]) => [id, a.claveAsignatura, a.nombre, a.idTipoAsignatura, canonicalDecimal(a.creditos)]),
    canonicalDecimal(plan.totalCreditos),
  ]);
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

export interface PlanReplacement {
  /** The version current until now: kept, no longer current (certificates authenticated under it still refer to it). */
  readonly previous: RegisteredPlan;
  /** The new current version. */
  readonly next: RegisteredPlan;
}

export interface PlanImportDiff {
  /** No current plan with that (idCarrera, clavePlan): register as a first version. */
  readonly added: RegisteredPlan[];
  /** Same (idCarrera, clavePlan), different content: a new version becomes current. */
  readonly replaced: PlanReplacement[];
  /** Same content as the current version: nothing to store. */
  readonly unchanged: RegisteredPlan[];
  /** Current plans the import does not mention: they stay current (an update lists only what it adds or changes). */
  readonly notInImport: RegisteredPlan[];
}

/**
 * How an import changes the registry. `current` holds the current version of each plan (at most
 * one per planKey; a repeat is a caller bug and throws). Imported plans are in the import's order.
 */
export function classifyPlanImport(current: readonly RegisteredPlan[], imported: readonly RegisteredPlan[]): PlanImportDiff {
  const byKey = new Map<string, RegisteredPlan>();
  for (const p of current) {
    const key = planKey(p);
    if (byKey.has(key)) throw new Error(`classifyPlanImport: two current versions of plan ${p.clavePlan} of carrera ${p.idCarrera}`);
    byKey.set(key, p);
  }
  const added: RegisteredPlan[] = [];
  const replaced: PlanReplacement[] = [];
  const unchanged: RegisteredPlan[] = [];
  const seen = new Set<string>();
  for (const next of imported) {
    const key = planKey(next);
    seen.add(key);
    const previous = byKey.get(key);
    if (previous === undefined) added.push(next);
    else if (planVersionKey(previous) === planVersionKey(next)) unchanged.push(next);
    else replaced.push({ previous, next });
  }
  const notInImport = current.filter((p) => !seen.has(planKey(p)));
  return { added, replaced, unchanged, notInImport };
}
