/**
 * The MEC descarga package: a ZIP (deflate) holding, at its root,
 *
 *   ResultadoCargaCertificados<numeroLote>.xls  the shared BIFF8 results sheet (sheet `Resultado`):
 *       ARCHIVO | ESTATUS | DESCRIPCION | FOLIO CONTROL
 *       file name | SATISFACTORIO or ERROR (text) | "…autenticado exitosamente con folio digital <uuid>",
 *       or every error found joined by " | " | folioControl (text)
 *   <archivo>  one sealed XML (with Dreoe and SepIpes) per SATISFACTORIO certificate, as stored when
 *              it was authenticated, named as the file was named inside the uploaded zip.
 *
 * Why the uploaded name and not folioControl: folioControl is free text up to 40 characters and may
 * hold `/`, `\`, `:` or other characters a file system or an unzip refuses, while the uploaded
 * names were already checked to be flat, unique (case- and Unicode-insensitively) `*.xml` names; so
 * every returned file lands exactly where the client's own file was, and its sheet row (ARCHIVO)
 * names it. The one exception is a lone XML uploaded without a zip, whose name is `nombreArchivo`:
 * when that is not a flat *.xml name it becomes `certificado-<n>.xml` (n: its position, from 1).
 */
import { entryNameProblem } from '../../intake/zip-entry-name.js';
import { buildResultsSheet, zipPackage } from '../soap/results-xls.js';
import { ESTATUS_CERTIFICADO, MEC_MESSAGES } from './messages.js';
import type { CertificadoResult, SealedCertificado } from './use-cases.js';

const MEC_RESULTS_HEADER = ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL'] as const;

/** `ResultadoCargaCertificados<numeroLote>.xls`, after the MET's `ResultadoCargaTitulos<N>.xls`. */
function mecResultsEntryName(numeroLote: number): string {
  return `ResultadoCargaCertificados${numeroLote}.xls`;
}

/** The zip sent as `certificadosBase64` (before base64). */
export async function buildMecResultsPackage(
  numeroLote: number,
  results: readonly CertificadoResult[],
  sealed: readonly SealedCertificado[],
): Promise<Buffer> {
  const byPosition = new Map(sealed.map((s) => [s.position, s]));
  const rows = results.map((r) => {
    const certificado = byPosition.get(r.position);
    return certificado
      ? [r.archivo, ESTATUS_CERTIFICADO.authenticated, MEC_MESSAGES.authenticated(certificado.folioDigital), r.folioControl]
      : [r.archivo, ESTATUS_CERTIFICADO.rejected, r.errors.join(' | '), r.folioControl];
  });
  const xmls = results.flatMap((r) => {
    const certificado = byPosition.get(r.position);
    if (!certificado) return [];
    return [{ name: entryNameProblem(r.archivo) === undefined ? r.archivo : `certificado-${r.position + 1}.xml`, data: certificado.xml }];
  });
  return zipPackage([{ name: mecResultsEntryName(numeroLote), data: buildResultsSheet(MEC_RESULTS_HEADER, rows) }, ...xmls]);
}
