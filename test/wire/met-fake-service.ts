/**
 * An in-memory MetService for the SOAP adapter tests. The adapter is the unit under test; the
 * real use cases are exercised by the full-stack tests.
 */
import type {
  CancelaOutcome, CargaOutcome, ConsultaOutcome, Credentials, DescargaOutcome, MetService, ResultRow,
} from '../../src/titulos/met-service.js';

export const USER: Credentials = { usuario: 'usuariomet.qa1', password: 'Secreto1' };
export const OTHER_USER: Credentials = { usuario: 'usuariomet.qa2', password: 'Otro2' };

interface Lote { readonly owner: string; readonly nombreArchivo: string; readonly archivo: Buffer; consultas: number }

export class FakeMetService implements MetService {
  private next = 143041;
  readonly lotes = new Map<number, Lote>();
  readonly cancelCalls: Array<{ folioControl: string; motCancelacion: string; cveInstitucion: string | undefined }> = [];
  readonly cancelled = new Set<string>();
  /** When set, every call throws this. */
  explode: Error | undefined;

  private check(auth: Credentials): string | undefined {
    if (this.explode) throw this.explode;
    const known = [USER, OTHER_USER].find((u) => u.usuario === auth.usuario && u.password === auth.password);
    return known?.usuario;
  }

  async carga(auth: Credentials, nombreArchivo: string, archivo: Buffer): Promise<CargaOutcome> {
    const who = this.check(auth);
    if (!who) return { kind: 'unauthenticated' };
    if (archivo.length === 0) return { kind: 'invalid-request', reason: 'El archivo está vacío.' };
    const numeroLote = this.next++;
    this.lotes.set(numeroLote, { owner: who, nombreArchivo, archivo: Buffer.from(archivo), consultas: 0 });
    return { kind: 'accepted', numeroLote };
  }

  private lote(auth: Credentials, numeroLote: number): Lote | { kind: 'not-found' | 'unauthenticated' | 'forbidden' } {
    const who = this.check(auth);
    if (!who) return { kind: 'unauthenticated' };
    const lote = this.lotes.get(numeroLote);
    if (!lote) return { kind: 'not-found' };
    if (lote.owner !== who) return { kind: 'forbidden' };
    return lote;
  }

  async consulta(auth: Credentials, numeroLote: number): Promise<ConsultaOutcome> {
    const l = this.lote(auth, numeroLote);
    if ('kind' in l) return l.kind === 'forbidden' ? { kind: 'forbidden', numeroLote, cveInstitucion: auth.usuario } : { kind: l.kind, numeroLote };
    // The first consulta sees it processing, later ones processed.
    return l.consultas++ === 0 ? { kind: 'processing', numeroLote } : { kind: 'processed', numeroLote };
  }

  async descarga(auth: Credentials, numeroLote: number): Promise<DescargaOutcome> {
    const l = this.lote(auth, numeroLote);
    if ('kind' in l) return l.kind === 'forbidden' ? { kind: 'forbidden', numeroLote, cveInstitucion: auth.usuario } : { kind: l.kind, numeroLote };
    if (l.consultas < 2) return { kind: 'processing', numeroLote };
    const rows: ResultRow[] = [
      { archivo: l.nombreArchivo, estatus: 1, descripcion: 'Título electrónico registrado exitosamente', folioControl: '0001' },
      { archivo: 'otro.xml', estatus: 2, descripcion: 'Folio de control previamente registrado: CBGE17028751', folioControl: 'CBGE17028751' },
    ];
    return { kind: 'ready', numeroLote, rows };
  }

  async cancela(auth: Credentials, folioControl: string, motCancelacion: string, cveInstitucion?: string): Promise<CancelaOutcome> {
    this.cancelCalls.push({ folioControl, motCancelacion, cveInstitucion });
    const who = this.check(auth);
    if (!who) return { kind: 'unauthenticated' };
    if (!['R1', 'R2', 'R3', 'R4', 'R5', 'C1'].includes(motCancelacion)) return { kind: 'invalid-motivo', motCancelacion };
    if (folioControl === 'AJENO') return { kind: 'forbidden', cveInstitucion: auth.usuario };
    if (folioControl !== 'CBGE17028750') return { kind: 'not-found', folioControl };
    if (this.cancelled.has(folioControl)) return { kind: 'already-cancelled', folioControl };
    this.cancelled.add(folioControl);
    return { kind: 'cancelled', folioControl };
  }
}
