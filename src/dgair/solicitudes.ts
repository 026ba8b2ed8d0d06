/**
 * DGAIR authentication of títulos (spec met-titulos.md §1.10): a private institution with federal
 * RVOE asks for títulos it registered through the MET to be authenticated ("Solicitud de
 * Autenticación de Título Electrónico", mec-certificados.md §6.1), pays per título, and gets back
 * each título with SEP's Autenticacion node (§2.8) and a Constancia de Autenticación.
 *
 * A solicitud is validated as a whole: when any folioControl cannot be authenticated nothing is
 * requested (nothing is paid for) and every problem is listed. QA solicitudes are test solicitudes,
 * active at once; production ones are paid and activate 48 h (línea de captura) or 24 h (card)
 * later by the service clock, as MEC folios do. An active solicitud is processed by whoever reads
 * it first (process-solicitud.ts), so no worker or manual step is involved.
 */
import { documentRefusal, refusal, type DgairRefusal } from '../domain/titulos/dgair-eligibility.js';
import { parseSafeXml } from '../intake/xml.js';
import type { WsPrincipal } from '../registry/authenticator.js';
import {
  findAutenticacion,
  findSolicitud,
  insertSolicitud,
  listSolicitudes,
  paySolicitud,
  registrationsOf,
  solicitudItems,
  type SolicitudScope,
} from '../store/repositories/dgair.js';
import type { DgairSolicitudRow } from '../store/schema.js';
import { processSolicitud, type ProcessSolicitudDeps } from './process-solicitud.js';
import { Refusal } from '../refusal.js';
import { activationTime, newLineaCaptura, type PaidMethod } from '../certificados/payment.js';

export const DGAIR_RULES = {
  /** Títulos in one solicitud: bounds the one transaction that authenticates them and the zips. */
  maxTitulos: 500,
} as const;

export type SolicitudState = 'pending-payment' | 'paid' | 'processed';

export interface SolicitudProblem extends DgairRefusal {
  /** 0-based position in the request. */
  readonly index: number;
  readonly folioControl: string;
}

type Principal = Pick<WsPrincipal, 'cveInstitucion' | 'environment'> & Partial<Pick<WsPrincipal, 'usuario'>>;

export class DgairSolicitudes {
  constructor(private readonly deps: ProcessSolicitudDeps) {}

  /** Opens a solicitud for these folios, or throws REFUSED listing every folio that cannot be authenticated. */
  async create(principal: WsPrincipal, folios: readonly string[]): Promise<DgairSolicitudRow> {
    const { problems, titulos } = await this.validate(principal, folios);
    if (problems.length > 0) {
      throw new Refusal('REFUSED', `${problems.length} of the ${folios.length} folioControl cannot be authenticated; nothing was requested`, { problems });
    }
    const now = this.deps.clock.now();
    const test = principal.environment === 'qa';
    const row = await this.deps.db.transaction().execute((trx) =>
      insertSolicitud(trx, {
        environment: principal.environment,
        cveInstitucion: principal.cveInstitucion,
        usuario: principal.usuario,
        paymentMethod: test ? 'prueba' : null,
        lineaCaptura: test ? null : newLineaCaptura(),
        paidAt: test ? now : null,
        activeFrom: test ? now : null,
        createdAt: now,
        titulos,
      }),
    );
    return this.current(row);
  }

  /** Records a production payment; the solicitud activates 48 h (línea de captura) or 24 h (card) later. */
  async pay(principal: Principal, numero: string, method: PaidMethod): Promise<DgairSolicitudRow> {
    const row = await this.find(principal, numero);
    if (row.payment_method === 'prueba') throw new Refusal('REFUSED', `solicitud ${numero} is a test solicitud: active at once, nothing to pay`);
    const paidAt = this.deps.clock.now();
    const activeFrom = activationTime(paidAt, method);
    const paid = row.paid_at === null ? await paySolicitud(this.deps.db, row.id, method, paidAt, activeFrom) : undefined;
    if (!paid) throw new Refusal('REFUSED', `solicitud ${numero} is already paid`, { paidAt: row.paid_at });
    return paid;
  }

  /** A solicitud of the principal's institution and environment, processed if it is due. */
  async find(principal: Principal, numero: string): Promise<DgairSolicitudRow> {
    const row = await findSolicitud(this.deps.db, { cveInstitucion: principal.cveInstitucion, environment: principal.environment }, numero);
    if (!row) throw new Refusal('NOT_FOUND', `solicitud ${numero} does not exist for institution ${principal.cveInstitucion} in ${principal.environment}`);
    return this.current(row);
  }

  /** Solicitudes newest first (operators: any institution or environment), each processed if due. */
  async list(scope: SolicitudScope & { beforeId?: number | undefined; limit: number }): Promise<DgairSolicitudRow[]> {
    const rows = await listSolicitudes(this.deps.db, scope);
    const current: DgairSolicitudRow[] = [];
    for (const row of rows) current.push(await this.current(row));
    return current;
  }

  /** An authentication of the principal's institution and environment, by folioDigital. */
  async autenticacion(principal: Principal, folioDigital: string) {
    const row = await findAutenticacion(this.deps.db, folioDigital);
    if (!row || row.cve_institucion !== principal.cveInstitucion || row.environment !== principal.environment) {
      throw new Refusal('NOT_FOUND', `no título authenticated with folioDigital ${folioDigital} for institution ${principal.cveInstitucion} in ${principal.environment}`);
    }
    return row;
  }

  state(row: DgairSolicitudRow): SolicitudState {
    if (row.processed_at !== null) return 'processed';
    return row.paid_at === null ? 'pending-payment' : 'paid';
  }

  async view(row: DgairSolicitudRow) {
    const items = await solicitudItems(this.deps.db, row.id);
    return {
      numero: row.numero,
      environment: row.environment,
      cveInstitucion: row.cve_institucion,
      state: this.state(row),
      payment: { method: row.payment_method, lineaCaptura: row.linea_captura, paidAt: row.paid_at, activeFrom: row.active_from },
      counts: {
        titulos: row.titulos,
        autenticados: items.filter((i) => i.outcome === 'autenticado').length,
        rechazados: items.filter((i) => i.outcome === 'rechazado').length,
      },
      titulos: items.map((i) => ({
        folioControl: i.folio_control,
        estatus: i.outcome ?? ('pendiente' as const),
        folioDigital: i.folio_digital,
        fechaAutenticacion: i.fecha_autenticacion,
        motivo: i.reason_code === null ? null : { code: i.reason_code, message: i.reason ?? '' },
      })),
      createdAt: row.created_at,
      processedAt: row.processed_at,
    };
  }

  /** The row as it stands once any due processing is done. */
  private async current(row: DgairSolicitudRow): Promise<DgairSolicitudRow> {
    const due = row.processed_at === null && row.active_from !== null && row.active_from.getTime() <= this.deps.clock.now().getTime();
    if (!due) return row;
    await processSolicitud(row.id, this.deps);
    return (await findSolicitud(this.deps.db, {}, row.numero)) ?? row;
  }

  private async validate(principal: Principal, folios: readonly string[]) {
    const registrations = await registrationsOf(this.deps.db, principal.environment, principal.cveInstitucion, [...new Set(folios)]);
    const byFolio = new Map<string, typeof registrations>();
    for (const r of registrations) byFolio.set(r.folio_control, [...(byFolio.get(r.folio_control) ?? []), r]);
    const problems: SolicitudProblem[] = [];
    const titulos: Array<{ folioControl: string; tituloId: number }> = [];
    const seen = new Set<string>();
    folios.forEach((folioControl, index) => {
      const checked = seen.has(folioControl) ? refusal('DGAIR-DUPLICATE') : this.eligibility(byFolio.get(folioControl) ?? []);
      seen.add(folioControl);
      if ('code' in checked) problems.push({ index, folioControl, ...checked });
      else titulos.push({ folioControl, tituloId: checked.tituloId });
    });
    return { problems, titulos };
  }

  /** The current registration of a folio if DGAIR can authenticate it, else why not. */
  private eligibility(registrations: Awaited<ReturnType<typeof registrationsOf>>): DgairRefusal | { tituloId: number } {
    if (registrations.length === 0) return refusal('DGAIR-NOT-REGISTERED');
    const current = registrations.find((r) => r.cancelled_at === null);
    if (!current) return refusal('DGAIR-CANCELLED');
    if (current.folio_digital !== null) return refusal('DGAIR-ALREADY-AUTHENTICATED', current.folio_digital);
    const parsed = current.xml === null ? null : parseSafeXml(current.xml, this.deps.xmlLimits);
    if (!parsed?.ok) return refusal('DGAIR-UNREADABLE');
    return documentRefusal(parsed.root) ?? { tituloId: current.id };
  }
}

/** A 20-digit línea de captura, as the MEC's production folios get. */
