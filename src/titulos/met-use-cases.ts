import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { lookupMotivoCancelacion } from '../domain/catalogs/titulos.js';
import { decodeChecks } from '../store/check-codec.js';
import type { IntakeLimits } from '../intake/limits.js';
import { inspectUpload } from '../intake/package.js';
import type { LoteIntake } from '../jobs/upload-handoff.js';
import type { Authenticator, WsPrincipal } from '../registry/authenticator.js';
import { findLoteSummary, insertLote, listDocumentos } from '../store/repositories/lotes.js';
import { cancelTitulo, findTitulos } from '../store/repositories/titulos.js';
import type { Database, LoteKind, StoredCheck } from '../store/schema.js';
import type {
  CancelaOutcome,
  CargaOutcome,
  ConsultaOutcome,
  Credentials,
  DescargaOutcome,
  MetService,
  ResultRow,
} from './met-service.js';

/** Times a cancellation is retried when a registration commits while it is answered (see cancela). */
const CANCEL_RETRIES = 3;

export interface MetUseCasesDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly authenticator: Authenticator;
  /** This process's worker: handed every lote stored here, and woken once it is committed. */
  readonly intake: LoteIntake;
  /** A lote reads as "not finished" until this long after it was received (emulates SEP's delay). */
  readonly processingDelayMs: number;
  readonly limits: IntakeLimits;
}

export type Channel = 'soap' | 'rest';

/** The detailed, better-than-SEP view of one file's result. */
export interface DetailedDocument extends ResultRow {
  readonly position: number;
  readonly checks: StoredCheck[];
}

export interface LoteDetail {
  readonly numeroLote: number;
  readonly environment: 'qa' | 'prod';
  readonly cveInstitucion: string;
  readonly nombreArchivo: string;
  readonly bytes: number;
  readonly status: 'received' | 'processing' | 'processed';
  readonly receivedAt: Date;
  readonly startedAt: Date | null;
  readonly processedAt: Date | null;
  readonly counts: { readonly total: number; readonly registered: number; readonly rejected: number } | null;
  readonly documents?: DetailedDocument[];
}

/** The MET use cases behind every adapter (SOAP, REST, CLI). */
export class MetUseCases implements MetService {
  constructor(private readonly deps: MetUseCasesDeps) {}

  authenticate(auth: Credentials): Promise<WsPrincipal | null> {
    return this.deps.authenticator.authenticate(auth.usuario, auth.password, auth.clientAddress);
  }

  carga(auth: Credentials, nombreArchivo: string, archivo: Buffer): Promise<CargaOutcome> {
    return this.upload(auth, nombreArchivo, archivo, 'soap');
  }

  async upload(auth: Credentials, nombreArchivo: string, archivo: Buffer, channel: Channel): Promise<CargaOutcome> {
    const principal = await this.authenticate(auth);
    if (!principal) return { kind: 'unauthenticated' };
    if (nombreArchivo.length < 2 || nombreArchivo.length > 100) {
      return { kind: 'invalid-request', reason: `nombreArchivo must have 2 to 100 characters; found ${nombreArchivo.length}` };
    }
    const { limits } = this.deps;
    if (archivo.byteLength > limits.maxUploadBytes) {
      return { kind: 'invalid-request', reason: `archivoBase64 decodes to ${archivo.byteLength} bytes; the limit is ${limits.maxUploadBytes}` };
    }
    // While the upload is being stored, its files are located and checked to inflate: the worker
    // then starts from the index, and a zip that does not unpack is answered as a package failure
    // without a file being parsed.
    const inspection = inspectUpload(nombreArchivo, archivo, limits);
    const lote = await this.deps.db.transaction().execute(async (trx) => {
      const stored = await insertLote(trx, {
        environment: principal.environment,
        cveInstitucion: principal.cveInstitucion,
        usuario: principal.usuario,
        channel,
        nombreArchivo,
        archivo,
        receivedAt: this.deps.clock.now(),
      });
      this.deps.intake.handOff(stored.id, { archivo, inspection });
      return stored;
    });
    this.deps.intake.queued();
    return { kind: 'accepted', numeroLote: lote.numeroLote };
  }

  async consulta(auth: Credentials, numeroLote: number): Promise<ConsultaOutcome> {
    const found = await this.ownLote(auth, numeroLote);
    if (found.kind !== 'found') return found;
    return { kind: this.isFinished(found.lote) ? 'processed' : 'processing', numeroLote };
  }

  async descarga(auth: Credentials, numeroLote: number): Promise<DescargaOutcome> {
    const found = await this.ownLote(auth, numeroLote);
    if (found.kind !== 'found') return found;
    if (!this.isFinished(found.lote)) return { kind: 'processing', numeroLote };
    const documentos = await listDocumentos(this.deps.db, found.lote.id, 'none');
    const rows = documentos.map((d) => ({ archivo: d.archivo, estatus: d.estatus, descripcion: d.descripcion, folioControl: d.folio_control }));
    return { kind: 'ready', numeroLote, rows };
  }

  async cancela(auth: Credentials, folioControl: string, motCancelacion: string, cveInstitucion?: string): Promise<CancelaOutcome> {
    const principal = await this.authenticate(auth);
    if (!principal) return { kind: 'unauthenticated' };
    if (cveInstitucion !== undefined && cveInstitucion !== principal.cveInstitucion) {
      return { kind: 'forbidden', cveInstitucion: principal.cveInstitucion };
    }
    if (!lookupMotivoCancelacion(motCancelacion)) return { kind: 'invalid-motivo', motCancelacion };
    // The UPDATE and the history read are two statements: a lote registering this folio may commit
    // between them. Then the history shows a live registration the UPDATE did not see, and the
    // answer must not be "already cancelled" (the título would stay live): cancel again.
    for (let attempt = 0; ; attempt++) {
      const cancelled = await cancelTitulo(
        this.deps.db,
        principal.environment,
        principal.cveInstitucion,
        folioControl,
        motCancelacion,
        this.deps.clock.now(),
      );
      if (cancelled) return { kind: 'cancelled', folioControl };
      const history = await findTitulos(this.deps.db, principal.environment, principal.cveInstitucion, folioControl);
      if (history.some((titulo) => titulo.cancelled_at === null) && attempt < CANCEL_RETRIES) continue;
      return history.length > 0 ? { kind: 'already-cancelled', folioControl } : { kind: 'not-found', folioControl };
    }
  }

  /**
   * Status, counts and, when processed, every file with its checks: all of them, or only the
   * problems (errors and warnings), which is what a client polling for results usually wants.
   */
  async loteDetail(
    principal: Pick<WsPrincipal, 'environment'> & { cveInstitucion?: string },
    numeroLote: number,
    kind: LoteKind = 'titulos',
    checks: CheckSelection = 'all',
  ): Promise<LoteDetail | undefined> {
    const lote = await findLoteSummary(this.deps.db, principal.environment, numeroLote, kind);
    if (!lote || (principal.cveInstitucion !== undefined && lote.cve_institucion !== principal.cveInstitucion)) return undefined;
    const finished = this.isFinished(lote);
    const detail: LoteDetail = {
      numeroLote: lote.numero_lote,
      environment: lote.environment,
      cveInstitucion: lote.cve_institucion,
      nombreArchivo: lote.nombre_archivo,
      bytes: lote.archivo_bytes,
      status: finished ? 'processed' : lote.status === 'pending' ? 'received' : 'processing',
      receivedAt: lote.received_at,
      startedAt: finished ? lote.started_at : null,
      processedAt: finished ? lote.processed_at : null,
      counts: finished ? { total: lote.total ?? 0, registered: lote.registered ?? 0, rejected: lote.rejected ?? 0 } : null,
    };
    if (!finished) return detail;
    const documentos = await listDocumentos(this.deps.db, lote.id, checks);
    return {
      ...detail,
      documents: documentos.map((d) => ({
        position: d.position,
        archivo: d.archivo,
        estatus: d.estatus,
        descripcion: d.descripcion,
        folioControl: d.folio_control,
        checks: d.checks === null ? [] : selectChecks(decodeChecks(d.checks), checks),
      })),
    };
  }

  /** Every registration of a folio for the institution (current first, then cancelled ones). */
  async titulos(principal: Pick<WsPrincipal, 'cveInstitucion'> & { environment?: 'qa' | 'prod' | undefined }, folioControl: string) {
    const rows = await findTitulos(this.deps.db, principal.environment, principal.cveInstitucion, folioControl);
    return rows.map((r) => ({
      environment: r.environment,
      cveInstitucion: r.cve_institucion,
      folioControl: r.folio_control,
      numeroLote: r.numero_lote,
      archivoPosition: r.position,
      profesionista: { curp: r.curp, nombre: r.nombre, primerApellido: r.primer_apellido, segundoApellido: r.segundo_apellido },
      registeredAt: r.registered_at,
      status: r.cancelled_at ? ('cancelled' as const) : ('registered' as const),
      cancelledAt: r.cancelled_at,
      motCancelacion: r.mot_cancelacion,
    }));
  }

  private async ownLote(auth: Credentials, numeroLote: number) {
    const principal = await this.authenticate(auth);
    if (!principal) return { kind: 'unauthenticated' as const, numeroLote };
    const lote = await findLoteSummary(this.deps.db, principal.environment, numeroLote);
    // Another institution's lote answers exactly like one that does not exist: numeroLote is a
    // shared sequence, and a different answer would tell a caller which numbers others hold.
    if (!lote || lote.cve_institucion !== principal.cveInstitucion) return { kind: 'not-found' as const, numeroLote };
    return { kind: 'found' as const, lote, principal };
  }

  /** Processed, and past the emulated processing delay: what consulta and descarga call finished. */
  isFinished(lote: { status: string; received_at: Date }): boolean {
    if (lote.status !== 'processed') return false;
    return this.deps.clock.now().getTime() >= lote.received_at.getTime() + this.deps.processingDelayMs;
  }
}

/** Which checks a lote view lists per file: every one made, or only errors and warnings. */
export type CheckSelection = 'all' | 'problems';

function selectChecks<C extends { readonly status: string }>(checks: C[], selection: CheckSelection): C[] {
  return selection === 'all' ? checks : checks.filter((c) => c.status === 'error' || c.status === 'warning');
}
