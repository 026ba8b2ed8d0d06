/**
 * The one catalog of stable error codes of the study-plan import (the "Programa de Estudios"
 * layout, docs/plan-layout.md). Codes never change meaning once released; new rules get new codes.
 *
 * Scope tells where a code can appear: `file` (the uploaded bytes as a whole: sheet '' and row 0),
 * `sheet` (a sheet or its header row: row 0 for the sheet as a whole, row 1 for a header), `row`
 * (one data row, with its 1-based Excel row number and usually the column).
 */

export type PlanErrorScope = 'file' | 'sheet' | 'row';

interface PlanErrorInfo {
  readonly scope: PlanErrorScope;
  readonly title: string;
}

function codes<T extends Record<string, PlanErrorInfo>>(table: T): T {
  return table;
}

export const PLAN_ERROR_CODES = codes({
  // --- file: the uploaded bytes ---
  'PLAN-FILE-FORMAT': { scope: 'file', title: 'The file is not an .xlsx workbook or a JSON layout document of the expected shape' },
  'PLAN-FILE-TOO-LARGE': { scope: 'file', title: 'The file exceeds the size cap' },
  'PLAN-FILE-CORRUPT': { scope: 'file', title: 'The workbook cannot be read (corrupt, truncated, encrypted or unsupported zip)' },
  'PLAN-FILE-LIMIT': { scope: 'file', title: 'The workbook exceeds a limit (sheets, rows, columns, entries or inflated size)' },

  // --- sheet: sheets and header rows ---
  'PLAN-SHEET': { scope: 'sheet', title: 'A required sheet is missing or present twice' },
  'PLAN-COLUMN': { scope: 'sheet', title: 'A required column is missing, or a column header is repeated' },

  // --- row: values ---
  'PLAN-CELL': { scope: 'row', title: 'A cell cannot be read as text (Excel error value, formula without a value, JSON value that is not text or a number)' },
  'PLAN-REQUIRED': { scope: 'row', title: 'A required value is blank' },
  'PLAN-INTEGER': { scope: 'row', title: 'A value is not an integer without leading zeros in its allowed range' },
  'PLAN-DECIMAL': { scope: 'row', title: 'A value is not a decimal number with at most two decimals' },
  'PLAN-DATE': { scope: 'row', title: 'A date is not a real calendar date written AAAA-MM-DD (or an Excel date cell)' },
  'PLAN-FORMAT': { scope: 'row', title: 'A text value is too long, holds control characters, or does not match its pattern (CURP, clave)' },
  'PLAN-INSTITUTION': { scope: 'row', title: 'ID_INSTITUCION is not the MEC id of the importing institution' },
  'PLAN-RVOE': { scope: 'row', title: 'NO_RVOE is not digits, nor DECRETO / ACUERDO … in upper case' },
  'PLAN-GRADES': { scope: 'row', title: 'The grade scale is inconsistent (CALIF_MINIMA < CALIF_MAXIMA, MINIMA_APROBATORIA within them)' },
  'PLAN-CATALOG': { scope: 'row', title: 'A catalog id (tipo de periodo, nivel de estudios, tipo de asignatura) is not in its catalog' },
  'PLAN-DUPLICATE': { scope: 'row', title: 'A key is repeated in the workbook (ID_CARRERA, ID_ASIGNATURA, RVOE, plan, subject or folio within a plan)' },
  'PLAN-ID-REUSED': { scope: 'row', title: 'ID_ASIGNATURA is already registered for a different subject of the institution' },
  'PLAN-REFERENCE': { scope: 'row', title: 'A row references a carrera, RVOE, subject, plan or campus that is not registered' },
  'PLAN-CONFLICT': { scope: 'row', title: 'Rows that must agree do not (a plan\'s RVOE, its nivel, its subjects and order across campuses)' },
  'PLAN-EMPTY': { scope: 'row', title: 'A required sheet has no data rows, or a plan has no subjects' },
});

export type PlanErrorCode = keyof typeof PLAN_ERROR_CODES;

/** One problem found by the import; every problem in the workbook is reported, not just the first. */
export interface RowError {
  /** The sheet as named in the layout (or as found in the workbook); '' for the file as a whole. */
  readonly sheet: string;
  /**
   * 1-based Excel row number: 1 is the header row, data start at 2. 0 means the sheet (or file) as
   * a whole. JSON rows are numbered as the same workbook would be: array index + 2.
   */
  readonly row: number;
  /** The column header, as SEP spells it. */
  readonly column?: string;
  readonly code: PlanErrorCode;
  readonly expected?: string;
  readonly found?: string;
  /** One-line English explanation for humans. */
  readonly message: string;
}
