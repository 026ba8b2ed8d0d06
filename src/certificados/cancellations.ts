import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { addBusinessHours } from '../domain/business-hours.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import type { WsPrincipal } from '../registry/authenticator.js';
import { listCertificados, requestCancellation } from '../store/repositories/mec.js';
import type { Database } from '../store/schema.js';
import { certificadoEstatus, certificadoView, type CertificadoView } from './certificado-view.js';
import { Refusal } from '../refusal.js';

/** Spec mec-certificados.md §4.6: "cancellation takes 48 business hours; afterwards the certificate may be uploaded again". */
export const CANCELLATION_RULES = {
  businessHours: 48,
  maxMotivoLength: 500,
} as const;

/** Times a cancellation is retried when an authentication commits while it is answered (see request). */
const CANCEL_RETRIES = 3;

/** What to cancel: one certificate (by folioDigital or by folioControl) or every certificate of an upload folio. */
export type CancellationTarget = { readonly folioDigital: string } | { readonly folioControl: string } | { readonly folio: string };

export interface CancellationOutcome {
  readonly requestedAt: Date;
  readonly effectiveAt: Date;
  readonly certificados: readonly CertificadoView[];
}

function describe(target: CancellationTarget): string {
  if ('folioDigital' in target) return `folioDigital ${target.folioDigital}`;
  if ('folioControl' in target) return `folioControl ${target.folioControl}`;
  return `folio ${target.folio}`;
}

/**
 * Cancellation of authenticated certificates. It takes effect 48 business hours after the request
 * (Mexico City business days, the configured holidays skipped); until then the certificate is
 * "cancelacion-pendiente" and still counts as authenticated, afterwards its folioControl may be
 * authenticated again through another folio.
 */
export class MecCancellations {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly holidays: HolidayCalendar,
  ) {}

  async request(principal: Pick<WsPrincipal, 'cveInstitucion' | 'environment'>, target: CancellationTarget, motivo: string | null): Promise<CancellationOutcome> {
    const requestedAt = this.clock.now();
    const effectiveAt = addBusinessHours(requestedAt, CANCELLATION_RULES.businessHours, this.holidays);
    const scope = { cveInstitucion: principal.cveInstitucion, environment: principal.environment };
    let ids: number[] = [];
    let selected: Awaited<ReturnType<typeof listCertificados>> = [];
    // The UPDATE and the read are two statements: an upload authenticating this folioControl may
    // commit between them. A certificate read back without a cancellation was not seen by the
    // UPDATE: request again rather than refuse with a wrong reason and leave it live.
    for (let attempt = 0; attempt <= CANCEL_RETRIES; attempt++) {
      ids = await requestCancellation(this.db, { ...scope, ...target }, { requestedAt, effectiveAt, reason: motivo });
      selected = await listCertificados(this.db, { ...scope, ...target, now: requestedAt });
      if (ids.length > 0 || !selected.some((row) => row.cancellation_requested_at === null)) break;
    }
    if (ids.length === 0) throw this.refusal(target, selected, requestedAt);
    const cancelled = new Set(ids);
    return { requestedAt, effectiveAt, certificados: selected.filter((row) => cancelled.has(row.id)).map((row) => certificadoView(row, requestedAt)) };
  }

  private refusal(target: CancellationTarget, selected: Awaited<ReturnType<typeof listCertificados>>, now: Date): Refusal {
    if (selected.length === 0) return new Refusal('NOT_FOUND', `${describe(target)} has no authenticated certificate in this environment`);
    const latest = selected[0]!;
    const estatus = certificadoEstatus(latest, now);
    const effectiveAt = latest.cancellation_effective_at?.toISOString();
    return new Refusal(
      'REFUSED',
      estatus === 'cancelado'
        ? `${describe(target)}: the cancellation took effect at ${effectiveAt}; nothing left to cancel`
        : `${describe(target)}: a cancellation is already pending; it takes effect at ${effectiveAt}`,
      { estatus, requestedAt: latest.cancellation_requested_at, effectiveAt: latest.cancellation_effective_at },
    );
  }
}
