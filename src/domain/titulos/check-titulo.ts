/**
 * checkTitulo: every check of one TituloElectronico, in "SEP order".
 *
 * SEP answers one message per file, apparently the first error it meets (spec §1.6), so the order of
 * evaluation decides which message an uploader sees. The order used:
 *
 *   1. structure   TIT-ROOT, TIT-ELEMENT, TIT-ATTR-REQUIRED, TIT-ATTR-UNKNOWN
 *                  (stops here when the root is wrong or a required element is missing)
 *   2. version     TIT-VERSION
 *   3. formats     TIT-DATE-FORMAT, TIT-INTEGER-FORMAT, TIT-CURP-FORMAT, TIT-EMAIL-FORMAT, TIT-SERVICIO-SOCIAL
 *   4. catalogs    TIT-CAT-CARGO (per signer), -AUTORIZACION, -MODALIDAD, -FUNDAMENTO,
 *                  -ENTIDAD (Expedicion), -ESTUDIO-ANTECEDENTE, -ENTIDAD (Antecedente)
 *   5. rules       TIT-FECHA-EXAMEN, TIT-RVOE, TIT-CEDULA, TIT-DATE-ORDER, TIT-EXPEDICION-FUTURA
 *   6. institution TIT-INSTITUCION
 *   7. firmas      per FirmaResponsable in document order: FIRMA-CERT-PARSE, -KEY, -FIEL, -NUMERO,
 *                  -CURP, -REGISTRADO, -VIGENCIA, FIRMA-SELLO
 *   8. autenticacion AUT-ATTR, AUT-SELLO
 *   9. RENAPO      TIT-RENAPO-CURP, TIT-RENAPO-NOMBRE
 *  10. folio       TIT-FOLIO-REGISTRADO / TIT-FOLIO-LOTE
 *
 * SEP's real order is not known: W2's retries of one título show a different rule failing each time
 * (§1.6), which fits "first error wins" but does not rank the rules. This order is the emulator's
 * design: structure and local values first, then cryptography, then the registries (RENAPO, folios).
 *
 * Every check records a result (ok, warning and skipped too) so operators see what was checked.
 */
import type { CheckResult } from '../checks.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { attr } from '../../intake/xml-tree.js';
import { checkAutenticacion } from './autenticacion.js';
import { cadenaParts } from './cadena.js';
import { checkCatalogs } from './catalog-checks.js';
import type { TituloContext, TituloDocumentContext, TituloRegistryContext } from './context.js';
import { checkFirmas } from './firmas.js';
import { checkFolio } from './folio.js';
import { checkFormats, checkVersion, isIsoDate } from './formats.js';
import { given, readTitulo, type ProfesionistaAttributes } from './model.js';
import { checkRenapo } from './renapo.js';
import { checkCedula, checkDateOrder, checkExpedicionFutura, checkFechaExamen, checkInstitucion, checkRvoe } from './rules.js';
import { ROOT, TITULOS_NAMESPACE } from './schema.js';
import { checkAttributes, checkStructure } from './structure.js';

export type { FolioState, RegisteredSigner, RenapoRecord, TituloContext, TituloDocumentContext, TituloRegistryContext } from './context.js';

export interface TituloOutcome {
  /** folioControl as written, when the root carried one. */
  readonly folioControl: string | null;
  /** Every check, in SEP's evaluation order; the first error gives SEP's message. */
  readonly checks: CheckResult[];
  /** Student CURP and name, for operators' queries (null when unreadable). */
  readonly profesionista: { curp: string; nombre: string; primerApellido: string; segundoApellido: string } | null;
}

/** What the registry checks read from the document. */
export interface TituloRegistryInputs {
  readonly profesionista: ProfesionistaAttributes;
  readonly folioControl: string | undefined;
}

/** checkTitulo's outcome before the registry checks (steps 1–8). */
export interface TituloDocumentOutcome extends TituloOutcome {
  /** What steps 9–10 read; null when the checks stopped before them (a wrong root, a missing element). */
  readonly registries: TituloRegistryInputs | null;
}

export function checkTitulo(root: XmlElement, ctx: TituloContext): TituloOutcome {
  const { registries, ...outcome } = checkTituloDocument(root, ctx);
  if (registries !== null) checkTituloRegistries(registries, ctx, outcome.checks);
  return outcome;
}

/**
 * Steps 1–8: the checks of the document and the lote's facts alone, the same whichever file came
 * before it (the costly part, which may run on another thread).
 */
export function checkTituloDocument(root: XmlElement, ctx: TituloDocumentContext): TituloDocumentOutcome {
  const checks: CheckResult[] = [];
  const isTitulo = root.name === ROOT.name && root.namespace === TITULOS_NAMESPACE;
  const folioControl = isTitulo ? (attr(root, 'folioControl') ?? null) : null;

  const elements = checkStructure(root, checks);
  if (elements === null) return { folioControl, checks, profesionista: null, registries: null };
  checkAttributes(elements, checks);

  const t = readTitulo(elements);
  checkVersion(t.version, checks);
  checkFormats(t, checks);
  checkCatalogs(t, checks);

  checkFechaExamen(t, checks);
  checkRvoe(t, checks);
  checkCedula(t, checks);
  checkDateOrder(t, checks);
  checkExpedicionFutura(t, ctx.today, checks);
  checkInstitucion(t, ctx.cveInstitucion, checks);

  const fechaExpedicion = given(t.expedicion.fechaExpedicion) && isIsoDate(t.expedicion.fechaExpedicion) ? t.expedicion.fechaExpedicion : undefined;
  checkFirmas(t.firmas, { cadena: cadenaParts(t, ctx.cadenaEscapeXml), fechaExpedicion }, ctx, checks);
  checkAutenticacion(elements.autenticacion, t.autenticacion, root, ctx, checks);

  const p = t.profesionista;
  return {
    folioControl,
    checks,
    profesionista: { curp: p.curp ?? '', nombre: p.nombre ?? '', primerApellido: p.primerApellido ?? '', segundoApellido: p.segundoApellido ?? '' },
    registries: { profesionista: { ...p }, folioControl: t.folioControl },
  };
}

/** Steps 9–10, appended to `out`: RENAPO and the folio, answered by the lote's own thread in upload order. */
export function checkTituloRegistries(inputs: TituloRegistryInputs, ctx: TituloRegistryContext, out: CheckResult[]): void {
  checkRenapo(inputs.profesionista, ctx.renapo, out);
  checkFolio(inputs.folioControl, ctx.folioState, out);
}
