/**
 * SEP's MET descarga results package (spec met-titulos.md §1.6, [V] twice): a ZIP (deflate) with ONE
 * entry at the root, `ResultadoCargaTitulos<numeroLote>.xls`, the shared BIFF8 results sheet
 * (src/wire/soap/results-xls.ts) with:
 *
 *   row 1: ARCHIVO | ESTATUS | DESCRIPCION | FOLIO CONTROL
 *   rows : file name (text) | 1 or 2 (NUMBER cell) | message (text) | folioControl (TEXT cell)
 */
import type { ResultRow } from '../../titulos/met-service.js';
import { buildResultsSheet, zipPackage } from '../soap/results-xls.js';

export const RESULTS_HEADER = ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL'] as const;

/** `ResultadoCargaTitulos<numeroLote>.xls` [V]. */
export function resultsEntryName(numeroLote: number): string {
  return `ResultadoCargaTitulos${numeroLote}.xls`;
}

/** The zip SEP returns as descarga's `titulosBase64` (before base64). */
export async function buildResultsPackage(numeroLote: number, rows: readonly ResultRow[]): Promise<Buffer> {
  return zipPackage([{ name: resultsEntryName(numeroLote), data: buildResultsXls(rows) }]);
}

/** The .xls of MET results: ESTATUS is a NUMBER cell, folioControl always text (even "0001"). */
export function buildResultsXls(rows: readonly ResultRow[]): Buffer {
  return buildResultsSheet(RESULTS_HEADER, rows.map((r) => [r.archivo, r.estatus, r.descripcion, r.folioControl]));
}
