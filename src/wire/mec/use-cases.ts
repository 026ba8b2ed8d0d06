/**
 * The MEC operations as the SOAP adapter sees them: credentials in, outcomes out. Uploads go through
 * MecFolios (attempts, counts, queueing); lotes are read like the MET's (same processing delay);
 * SEP-style wording of every outcome lives in messages.ts.
 */
import type { Kysely } from 'kysely';
import { CANCELLATION_RULES, type MecCancellations } from '../../certificados/cancellations.js';
import { FOLIO_RULES, type FolioState, type MecFolios, type UploadOutcome } from '../../certificados/folios.js';
import { Refusal } from '../../refusal.js';
import type { CheckResult } from '../../domain/checks.js';
import type { WsPrincipal } from '../../registry/authenticator.js';
import { decodeChecks } from '../../store/check-codec.js';
import { findLoteSummary, listDocumentos } from '../../store/repositories/lotes.js';
import { listSealedCertificados } from '../../store/repositories/mec.js';
import type { Database, MecFolioRow, StoredCheck } from '../../store/schema.js';
import type { ConsultaOutcome, Credentials } from '../../titulos/met-service.js';
import type { MetUseCases } from '../../titulos/met-use-cases.js';

/** A folio as consultaFolio reports it and as refusals word it. */
export interface FolioFacts {
  readonly folio: string;
  readonly state: FolioState;
  readonly certificados: number;
  readonly authenticated: number;
  readonly attemptsUsed: number;
  readonly attemptsLeft: number;
  readonly activeFrom: Date | null;
}

/** Why a folio cannot be used by these credentials at all. */
export type FolioRefusal =
  /** Unknown, another institution's, or of the other environment: one answer for all three. */
  | { readonly reason: 'folio-not-found'; readonly folio: string };

/** Why an upload was refused; no attempt is spent by any of these. */
export type CargaRefusal =
  | FolioRefusal
  | { readonly reason: 'folio-state'; readonly facts: FolioFacts }
  | { readonly reason: 'unreadable'; readonly folio: string; readonly check: CheckResult }
  | { readonly reason: 'wrong-count'; readonly folio: string; readonly expected: number; readonly found: number };

export type CargaOutcome =
  | { readonly kind: 'accepted'; readonly numeroLote: number; readonly folio: string; readonly attempt: number; readonly attemptsLeft: number }
  | { readonly kind: 'unauthenticated' }
  | { readonly kind: 'refused'; readonly refusal: CargaRefusal };

export type ConsultaFolioOutcome =
  | { readonly kind: 'found'; readonly facts: FolioFacts }
  | { readonly kind: 'unauthenticated' }
  | { readonly kind: 'refused'; readonly refusal: FolioRefusal };

/** One row of an upload's results: a certificate (or, for a package-level failure, the upload itself). */
export interface CertificadoResult {
  readonly position: number;
  readonly archivo: string;
  readonly folioControl: string;
  /** Every error found, SEP's text where there is one, in evaluation order (empty when authenticated). */
  readonly errors: readonly string[];
}

export interface SealedCertificado {
  readonly position: number;
  readonly folioDigital: string;
  readonly xml: Buffer;
}

export type DescargaOutcome =
  | Exclude<ConsultaOutcome, { kind: 'processed' }>
  | { readonly kind: 'ready'; readonly numeroLote: number; readonly results: readonly CertificadoResult[]; readonly sealed: readonly SealedCertificado[] };

export type CancelaOutcome =
  /** Requested: the certificate stays authenticated until `effectiveAt` (48 business hours later). */
  | { readonly kind: 'requested'; readonly folioControl: string; readonly effectiveAt: Date }
  | { readonly kind: 'not-found'; readonly folioControl: string }
  | { readonly kind: 'pending'; readonly folioControl: string; readonly effectiveAt: Date }
  | { readonly kind: 'already-cancelled'; readonly folioControl: string }
  | { readonly kind: 'invalid-motivo'; readonly maxLength: number }
  | { readonly kind: 'unauthenticated' };

export interface MecSoapDeps {
  readonly met: MetUseCases;
  readonly folios: MecFolios;
  readonly cancellations: MecCancellations;
  readonly db: Kysely<Database>;
}

export class MecSoapUseCases {
  constructor(private readonly deps: MecSoapDeps) {}

  async carga(auth: Credentials, folio: string, nombreArchivo: string, archivo: Buffer): Promise<CargaOutcome> {
    const principal = await this.deps.met.authenticate(auth);
    if (!principal) return { kind: 'unauthenticated' };
    const own = await this.ownFolio(principal, folio);
    if (own.kind === 'refused') return own;
    const outcome = await this.deps.folios.upload(principal, folio, nombreArchivo, archivo, 'soap');
    if (outcome.kind === 'accepted') return { ...outcome, folio };
    return { kind: 'refused', refusal: await this.uploadRefusal(principal, folio, outcome) };
  }

  async consultaFolio(auth: Credentials, folio: string): Promise<ConsultaFolioOutcome> {
    const principal = await this.deps.met.authenticate(auth);
    if (!principal) return { kind: 'unauthenticated' };
    const own = await this.ownFolio(principal, folio);
    return own.kind === 'refused' ? own : { kind: 'found', facts: this.facts(own.row) };
  }

  async consulta(auth: Credentials, numeroLote: number): Promise<ConsultaOutcome> {
    const own = await this.ownLote(auth, numeroLote);
    if (own.kind !== 'found') return own;
    return { kind: this.deps.met.isFinished(own.lote) ? 'processed' : 'processing', numeroLote };
  }

  async descarga(auth: Credentials, numeroLote: number): Promise<DescargaOutcome> {
    const own = await this.ownLote(auth, numeroLote);
    if (own.kind !== 'found') return own;
    if (!this.deps.met.isFinished(own.lote)) return { kind: 'processing', numeroLote };
    const [documentos, sealed] = await Promise.all([
      listDocumentos(this.deps.db, own.lote.id, 'problems'),
      listSealedCertificados(this.deps.db, own.lote.id),
    ]);
    return {
      kind: 'ready',
      numeroLote,
      results: documentos.map((d) => ({
        position: d.position,
        archivo: d.archivo,
        folioControl: d.folio_control,
        errors: d.estatus === 1 ? [] : errorTexts(d.checks === null ? [] : decodeChecks(d.checks), d.descripcion),
      })),
      sealed: sealed.map((c) => ({ position: c.position, folioDigital: c.folio_digital, xml: c.xml })),
    };
  }

  /** Cancels the institution's authenticated certificate with this folioControl in the caller's environment. */
  async cancela(auth: Credentials, folioControl: string, motivo: string | undefined): Promise<CancelaOutcome> {
    const principal = await this.deps.met.authenticate(auth);
    if (!principal) return { kind: 'unauthenticated' };
    if (motivo !== undefined && [...motivo].length > CANCELLATION_RULES.maxMotivoLength) {
      return { kind: 'invalid-motivo', maxLength: CANCELLATION_RULES.maxMotivoLength };
    }
    try {
      const outcome = await this.deps.cancellations.request(principal, { folioControl }, motivo || null);
      return { kind: 'requested', folioControl, effectiveAt: outcome.effectiveAt };
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      if (err.code === 'NOT_FOUND') return { kind: 'not-found', folioControl };
      // REFUSED: the latest authentication of this folioControl already has a cancellation.
      const { estatus, effectiveAt } = err.detail;
      return estatus === 'cancelacion-pendiente' && effectiveAt instanceof Date
        ? { kind: 'pending', folioControl, effectiveAt }
        : { kind: 'already-cancelled', folioControl };
    }
  }

  private async ownFolio(principal: WsPrincipal, folio: string) {
    try {
      return { kind: 'found' as const, row: await this.deps.folios.find(principal, folio) };
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      if (err.code === 'NOT_FOUND') return { kind: 'refused' as const, refusal: { reason: 'folio-not-found' as const, folio } };
      throw err;
    }
  }

  /**
   * MecFolios words its refusals for people; the adapter needs their kind. A refusal carrying the
   * unreadable package's check, or the expected and found counts, says so itself; any other one is
   * the folio's state (not paid, not active yet, complete, attempts spent), read again after the
   * refusal because a concurrent upload may have changed it.
   */
  private async uploadRefusal(principal: WsPrincipal, folio: string, outcome: Extract<UploadOutcome, { kind: 'rejected' }>): Promise<CargaRefusal> {
    if (outcome.check) return { reason: 'unreadable', folio, check: outcome.check };
    const { expected, found } = outcome.detail ?? {};
    if (typeof expected === 'number' && typeof found === 'number') return { reason: 'wrong-count', folio, expected, found };
    return { reason: 'folio-state', facts: this.facts(await this.deps.folios.find(principal, folio)) };
  }

  private facts(row: MecFolioRow): FolioFacts {
    return {
      folio: row.folio,
      state: this.deps.folios.state(row),
      certificados: row.certificados,
      authenticated: row.authenticated,
      attemptsUsed: row.attempts_used,
      attemptsLeft: Math.max(0, FOLIO_RULES.maxAttempts - row.attempts_used),
      activeFrom: row.active_from,
    };
  }

  /** The caller's own certificados lote, or why not (the MET's outcomes, so its texts apply). */
  private async ownLote(auth: Credentials, numeroLote: number) {
    const principal = await this.deps.met.authenticate(auth);
    if (!principal) return { kind: 'unauthenticated' as const, numeroLote };
    const lote = await findLoteSummary(this.deps.db, principal.environment, numeroLote, 'certificados');
    // Another institution's upload answers exactly like one that does not exist (as the MET's).
    if (!lote || lote.cve_institucion !== principal.cveInstitucion) return { kind: 'not-found' as const, numeroLote };
    return { kind: 'found' as const, lote };
  }
}

/** Every error's text in evaluation order, without repeats; the stored description when none has one. */
function errorTexts(checks: readonly StoredCheck[], descripcion: string): string[] {
  const texts = [...new Set(checks.filter((c) => c.status === 'error').map((c) => c.sepMessage ?? c.explanation ?? c.code))];
  return texts.length > 0 ? texts : [descripcion];
}
