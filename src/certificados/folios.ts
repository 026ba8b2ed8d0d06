import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { CheckResult } from '../domain/checks.js';
import type { IntakeLimits } from '../intake/limits.js';
import { indexUpload, uploadFailure, verifyIndexed } from '../intake/package.js';
import { UnreadableUpload } from '../jobs/lote-pipeline.js';
import type { LoteIntake } from '../jobs/upload-handoff.js';
import type { WsPrincipal } from '../registry/authenticator.js';
import { insertLote } from '../store/repositories/lotes.js';
import {
  consumeAttempt,
  countAuthenticated,
  countFolios,
  findFolio,
  folioAttempts,
  insertFolio,
  payFolio,
} from '../store/repositories/mec.js';
import { findInstitution } from '../store/repositories/registry.js';
import type { Database, MecFolioRow } from '../store/schema.js';
import { Refusal } from '../refusal.js';
import { ACTIVATION_HOURS, activationTime, newLineaCaptura, type PaidMethod } from './payment.js';
import type { Channel } from '../titulos/met-use-cases.js';

/** The folio rules (spec mec-certificados.md §4.6), each a documented default. */
export const FOLIO_RULES = {
  /** Upload attempts per folio, test and production alike ("each folio can be used up to 3 times"). */
  maxAttempts: 3,
  /** Test folios an institution may open in the test environment. */
  testFolios: 100,
  /** Certificates authenticated in test before production access may be granted. */
  productionThreshold: 10,
  /** Hours from payment to activation, by the service clock. */
  activationHours: ACTIVATION_HOURS,
} as const;

const ENVIRONMENT_NAMES = { qa: 'test', prod: 'production' } as const;

export type FolioState = 'pending-payment' | 'paid' | 'active' | 'complete' | 'exhausted';


export type UploadOutcome =
  | { kind: 'accepted'; numeroLote: number; attempt: number; attemptsLeft: number }
  | { kind: 'rejected'; reason: string; check?: CheckResult; detail?: Record<string, unknown> };

/**
 * MEC folios: bought for N certificates (production) or opened from the test allowance, paid,
 * activated after the payment delay, and spent by at most three upload attempts.
 */
export class MecFolios {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly limits: IntakeLimits,
    private readonly intake: LoteIntake,
  ) {}

  async create(principal: WsPrincipal, certificados: number): Promise<MecFolioRow> {
    const institution = await findInstitution(this.db, principal.cveInstitucion);
    if (!institution?.id_mec) throw new Refusal('REFUSED', `institution ${principal.cveInstitucion} is not registered with the MEC`);
    const now = this.clock.now();
    if (principal.environment === 'qa') {
      const used = await countFolios(this.db, principal.cveInstitucion, 'qa');
      if (used >= FOLIO_RULES.testFolios) {
        throw new Refusal('REFUSED', `the ${FOLIO_RULES.testFolios} test folios of this institution are used`, { testFolios: FOLIO_RULES.testFolios });
      }
      return insertFolio(this.db, { environment: 'qa', cveInstitucion: principal.cveInstitucion, certificados, paymentMethod: 'prueba', lineaCaptura: null, paidAt: now, activeFrom: now, createdAt: now });
    }
    if (!institution.mec_production_granted_at) {
      throw new Refusal('REFUSED', 'production access has not been granted to this institution yet (an operator grants it after 10 certificates authenticated in test)');
    }
    return insertFolio(this.db, { environment: 'prod', cveInstitucion: principal.cveInstitucion, certificados, paymentMethod: null, lineaCaptura: newLineaCaptura(), paidAt: null, activeFrom: null, createdAt: now });
  }

  /** Records the payment; the folio activates 48 h (línea de captura) or 24 h (card) later. */
  async pay(principal: WsPrincipal, folio: string, method: PaidMethod): Promise<MecFolioRow> {
    const row = await this.find(principal, folio);
    if (row.paid_at) throw new Refusal('REFUSED', `folio ${folio} is already paid`, { paidAt: row.paid_at });
    const paidAt = this.clock.now();
    const paid = await payFolio(this.db, row.id, method, paidAt, activationTime(paidAt, method));
    if (!paid) throw new Refusal('REFUSED', `folio ${folio} is already paid`);
    return paid;
  }

  /** The institution's folio in the caller's environment: QA users work on test folios, production users on paid ones. */
  async find(principal: Pick<WsPrincipal, 'cveInstitucion' | 'environment'>, folio: string): Promise<MecFolioRow> {
    const row = await findFolio(this.db, principal.cveInstitucion, folio);
    // A folio of the other environment answers exactly like an unknown one, so a test user cannot
    // learn which production folios exist (and the reverse); the text says where the user works.
    if (!row || row.environment !== principal.environment) {
      throw new Refusal('NOT_FOUND', `folio ${folio} does not exist for institution ${principal.cveInstitucion} in the ${ENVIRONMENT_NAMES[principal.environment]} environment (test users work on test folios, production users on production folios)`);
    }
    return row;
  }

  state(row: MecFolioRow): FolioState {
    if (row.authenticated >= row.certificados) return 'complete';
    if (row.attempts_used >= FOLIO_RULES.maxAttempts) return 'exhausted';
    if (!row.paid_at || !row.active_from) return 'pending-payment';
    return row.active_from.getTime() > this.clock.now().getTime() ? 'paid' : 'active';
  }

  async view(row: MecFolioRow) {
    return {
      folio: row.folio,
      environment: row.environment,
      cveInstitucion: row.cve_institucion,
      certificados: row.certificados,
      authenticated: row.authenticated,
      pending: row.certificados - row.authenticated,
      state: this.state(row),
      payment: { method: row.payment_method, lineaCaptura: row.linea_captura, paidAt: row.paid_at, activeFrom: row.active_from },
      attempts: { used: row.attempts_used, left: Math.max(0, FOLIO_RULES.maxAttempts - row.attempts_used), max: FOLIO_RULES.maxAttempts },
      uploads: (await folioAttempts(this.db, row.id)).map((a) => ({
        attempt: a.attempt_no,
        numeroLote: a.numero_lote,
        nombreArchivo: a.nombre_archivo,
        status: a.status,
        receivedAt: a.received_at,
        processedAt: a.processed_at,
        counts: a.status === 'processed' ? { total: a.total, satisfactorio: a.registered, rejected: a.rejected } : null,
      })),
      createdAt: row.created_at,
    };
  }

  /**
   * An upload against a folio. The zip must hold exactly the certificates still pending; a zip that
   * cannot be read or holds another count is refused without spending an attempt. The attempt is
   * taken by one conditional UPDATE in the same transaction that queues the upload, so however many
   * uploads race for a folio, at most three are ever accepted.
   */
  async upload(principal: WsPrincipal, folio: string, nombreArchivo: string, archivo: Buffer, channel: Channel = 'rest'): Promise<UploadOutcome> {
    const row = await this.find(principal, folio);
    const state = this.state(row);
    if (state !== 'active') return { kind: 'rejected', reason: refusal(state, row) };
    // The count from the zip's directory alone; every file is inflated and checked (caps, CRC) below,
    // one at a time while the upload is being stored, and a failure there rolls the attempt back.
    const files = await indexUpload(nombreArchivo, archivo, this.limits);
    const pending = row.certificados - row.authenticated;
    if (files === null || files.length !== pending) {
      const failure = await uploadFailure(nombreArchivo, archivo, this.limits);
      if (failure !== null || files === null) return unreadable(failure);
      return {
        kind: 'rejected',
        reason: `folio ${folio} expects exactly ${pending} certificate(s) in this upload; the file holds ${files.length}`,
        detail: { expected: pending, found: files.length },
      };
    }
    const now = this.clock.now();
    const accepted = await this.db
      .transaction()
      .execute(async (trx) => {
        const [failure, queued] = await Promise.all([
          verifyIndexed(archivo, files, this.limits),
          (async () => {
            const attempt = await consumeAttempt(trx, row.id, now, FOLIO_RULES.maxAttempts);
            if (!attempt) return undefined;
            const lote = await insertLote(trx, {
              environment: row.environment,
              cveInstitucion: row.cve_institucion,
              usuario: principal.usuario,
              channel,
              nombreArchivo,
              archivo,
              receivedAt: now,
              kind: 'certificados',
              mecFolioId: row.id,
              attemptNo: attempt.attempts_used,
            });
            this.intake.handOff(lote.id, { archivo, inspection: Promise.resolve({ files, failure: null }) });
            return { ...lote, attempt: attempt.attempts_used };
          })(),
        ]);
        if (failure !== null) throw new UnreadableUpload(failure);
        return queued;
      })
      .catch((error: unknown) => {
        if (error instanceof UnreadableUpload) return error;
        throw error;
      });
    if (accepted instanceof UnreadableUpload) return unreadable(accepted.check);
    if (!accepted) {
      const current = await this.find(principal, folio);
      return { kind: 'rejected', reason: refusal(this.state(current), current) };
    }
    this.intake.queued();
    return { kind: 'accepted', numeroLote: accepted.numeroLote, attempt: accepted.attempt, attemptsLeft: FOLIO_RULES.maxAttempts - accepted.attempt };
  }

  /** An operator grants production access once the institution has 10 certificates authenticated in test. */
  async grantProduction(cveInstitucion: string): Promise<{ grantedAt: Date; authenticatedInTest: number }> {
    const institution = await findInstitution(this.db, cveInstitucion);
    if (!institution?.id_mec) throw new Refusal('NOT_FOUND', `institution ${cveInstitucion} is not registered with the MEC`);
    const authenticatedInTest = await countAuthenticated(this.db, cveInstitucion, 'qa');
    if (authenticatedInTest < FOLIO_RULES.productionThreshold) {
      throw new Refusal('REFUSED', `production access needs ${FOLIO_RULES.productionThreshold} certificates authenticated in test; ${cveInstitucion} has ${authenticatedInTest}`, {
        expected: FOLIO_RULES.productionThreshold,
        found: authenticatedInTest,
      });
    }
    const grantedAt = institution.mec_production_granted_at ?? this.clock.now();
    await this.db.updateTable('institution').set({ mec_production_granted_at: grantedAt }).where('cve_institucion', '=', cveInstitucion).execute();
    return { grantedAt, authenticatedInTest };
  }
}

function unreadable(check: CheckResult | null): UploadOutcome {
  return { kind: 'rejected', reason: 'the upload cannot be read as certificates', ...(check ? { check } : {}) };
}

function refusal(state: FolioState, row: MecFolioRow): string {
  switch (state) {
    case 'pending-payment':
      return `folio ${row.folio} is not paid yet`;
    case 'paid':
      return `folio ${row.folio} is paid and activates at ${row.active_from?.toISOString()} (48 h after a línea de captura payment, 24 h after a card payment)`;
    case 'complete':
      return `folio ${row.folio} has all its ${row.certificados} certificate(s) authenticated; it accepts no more uploads`;
    case 'exhausted':
      return `folio ${row.folio} has used its ${FOLIO_RULES.maxAttempts} attempts; buy a new folio for the certificates still pending`;
    default:
      return `folio ${row.folio} cannot take an upload now`;
  }
}
