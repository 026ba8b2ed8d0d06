/**
 * checkDec: every check of one DEC 3.0, in "SEP order".
 *
 * MEC reports per certificate (spec mec-certificados.md §4.7) and, like MET, presumably the first
 * error it meets, so the order of evaluation decides which message an uploader sees. The order used:
 *
 *   1. structure   DEC-ROOT, DEC-VERSION (a version other than 3.0 stops here: it selects the
 *                  layout), DEC-ELEMENT, DEC-NODO-SEP, DEC-ATTR-REQUIRED, DEC-ATTR-UNKNOWN
 *                  (stops after DEC-NODO-SEP when a required element is missing)
 *   2. formats     DEC-DATE-FORMAT, DEC-INTEGER-FORMAT, DEC-GRADE-FORMAT, DEC-CREDITS-FORMAT,
 *                  DEC-CICLO-FORMAT, DEC-CURP-FORMAT, DEC-FOLIO-FORMAT, DEC-PIPE
 *   3. catalogs    DEC-CAT-TIPO-CERTIFICADO, -CARGO, -ENTIDAD (Ipes, Expedicion), -TIPO-PERIODO,
 *                  -NIVEL-ESTUDIOS, -GENERO, -TIPO-CERTIFICACION, -TIPO-ASIGNATURA, -OBSERVACIONES
 *   4. registered  DEC-SERVICIO-FIRMANTE, DEC-INSTITUCION, DEC-CAMPUS, DEC-CAMPUS-ENTIDAD, DEC-PLAN,
 *                  DEC-RVOE, DEC-PLAN-PERIODO, DEC-PLAN-NIVEL, DEC-PLAN-ESCALA,
 *                  DEC-ASIGNATURA-REPETIDA, -PLAN, -TIPO, -CREDITOS
 *   5. arithmetic  DEC-CALIFICACION-RANGO, DEC-TOTAL, DEC-ASIGNADAS, DEC-TOTAL-CREDITOS,
 *                  DEC-CREDITOS-OBTENIDOS, DEC-PROMEDIO, DEC-NUMERO-CICLOS, DEC-CERTIFICADO-TOTAL
 *   6. dates       DEC-EXPEDICION-FECHA, DEC-FECHA-NACIMIENTO
 *   7. signer      DEC-FIRMA-CERT-PARSE, -KEY, -FIEL, -NUMERO, -CURP, -REGISTRADO,
 *                  DEC-FIRMA-CAMPUS-VENCIDA, DEC-FIRMA-CERT-VIGENCIA
 *   8. sello       DEC-FIRMA-SELLO (detail: the recomputed cadena and the signer)
 *   9. folio       DEC-FOLIO-REGISTRADO / DEC-FOLIO-LOTE
 *
 * SEP's real order is not public. This is the emulator's design, mirroring checkTitulo: what the
 * schema would catch first, then local values, then the registered data, then cryptography, then
 * the folio registry. Every check records a result (ok, warning and skipped too).
 *
 * checkDecOffline runs the same sequence without a registry (the CLI's `verify`, before upload):
 * steps 4 and 9, the plan-dependent totals of step 5 and the registration of step 7 are recorded
 * as skipped; the cadena and sello are checked against the DEC's own certificate.
 */
import type { CheckResult } from '../checks.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { attr } from '../../intake/xml-tree.js';
import { checkArithmetic } from './arithmetic.js';
import { checkCatalogs } from './catalog-checks.js';
import { notCheckedOffline, type DecContext, type DecDocumentContext, type DecRegistry, type FolioState, type OfflineDecContext } from './context.js';
import { checkExpedicionFecha, checkFechaNacimiento } from './dates.js';
import { checkFirma } from './firma.js';
import { checkFolio } from './folio.js';
import { checkFormats } from './formats.js';
import { readDec } from './model.js';
import { checkRegistered } from './registered.js';
import { checkAttributes, checkRoot, checkStructure, checkVersion } from './structure.js';

export type { DecContext, DecDocumentContext, DecOptions, FolioState, OfflineDecContext, PlanLookup, RegisteredCampus, RegisteredInstitution, RegisteredPlan, RegisteredSigner } from './context.js';
export { DEFAULT_DEC_OPTIONS, decOptions } from './context.js';

export interface DecAlumno {
  readonly curp: string;
  readonly nombre: string;
  readonly primerApellido: string;
  readonly segundoApellido: string;
  readonly numeroControl: string;
}

export interface DecOutcome {
  /** folioControl as written, when the root is a Dec carrying one. */
  readonly folioControl: string | null;
  /** Every check, in evaluation order; the first error gives SEP's message. */
  readonly checks: CheckResult[];
  /** The student, for operators' queries (null when the DEC could not be read). */
  readonly alumno: DecAlumno | null;
  readonly idCampus: string | null;
  readonly idCarrera: string | null;
}

/** checkDec's outcome before the folio checks (steps 1–8). */
export interface DecDocumentOutcome extends DecOutcome {
  /** folioControl as the folio checks (step 9) read it; null when the checks stopped before them. */
  readonly folioInput: { readonly folioControl: string | undefined } | null;
}

export function checkDec(root: XmlElement, ctx: DecContext): DecOutcome {
  const { folioInput, ...outcome } = checkDecDocument(root, ctx);
  if (folioInput !== null) checkDecFolio(folioInput.folioControl, ctx.folioState, outcome.checks);
  return outcome;
}

/**
 * Steps 1–8: the checks of the document and the upload's facts alone, the same whichever file came
 * before it (the costly part, which may run on another thread).
 */
export function checkDecDocument(root: XmlElement, ctx: DecDocumentContext): DecDocumentOutcome {
  return evaluate(root, ctx, ctx);
}

/** Step 9, appended to `out`: the folio, answered by the upload's own thread in upload order. */
export function checkDecFolio(folioControl: string | undefined, folioState: (folioControl: string) => FolioState, out: CheckResult[]): void {
  checkFolio(folioControl, folioState, out);
}

/** Every check that needs no MEC registry; the registry's are recorded as skipped. */
export function checkDecOffline(root: XmlElement, ctx: OfflineDecContext): DecOutcome {
  const { folioInput, ...outcome } = evaluate(root, ctx, null);
  if (folioInput !== null) {
    for (const code of ['DEC-FOLIO-REGISTRADO', 'DEC-FOLIO-LOTE'] as const) outcome.checks.push(notCheckedOffline(code, { node: 'Dec', attribute: 'folioControl' }));
  }
  return outcome;
}

function evaluate(root: XmlElement, ctx: OfflineDecContext, registry: DecRegistry | null): DecDocumentOutcome {
  const checks: CheckResult[] = [];
  const none = { alumno: null, idCampus: null, idCarrera: null, folioInput: null };
  if (!checkRoot(root, checks)) return { folioControl: null, checks, ...none };
  const folioControl = attr(root, 'folioControl') ?? null;
  if (!checkVersion(root, ctx.options, checks)) return { folioControl, checks, ...none };

  const elements = checkStructure(root, checks);
  if (elements === null) return { folioControl, checks, ...none };
  checkAttributes(elements, checks);

  const d = readDec(elements);
  checkFormats(d, ctx.options, checks);
  checkCatalogs(d, ctx.options, checks);
  const { campus, plan } = checkRegistered(d, registry, checks);
  checkArithmetic(d, plan, ctx.options, checks);
  checkExpedicionFecha(d, ctx.today, ctx.options, checks);
  checkFechaNacimiento(d, ctx.today, ctx.options, checks);
  checkFirma(d, campus, ctx, registry, checks);

  const a = d.alumno;
  return {
    folioControl,
    checks,
    alumno: {
      curp: a.curp ?? '',
      nombre: a.nombre ?? '',
      primerApellido: a.primerApellido ?? '',
      segundoApellido: a.segundoApellido ?? '',
      numeroControl: a.numeroControl ?? '',
    },
    idCampus: d.ipes.idCampus ?? null,
    idCarrera: d.carrera.idCarrera ?? null,
    folioInput: { folioControl: d.folioControl },
  };
}
