/**
 * The MEC benchmark's HTTP client (Node's fetch, keep-alive): the operator's registration calls
 * (Bearer admin token) and the institution's folio calls (HTTP Basic, the bench QA user), as an
 * institution's system on another machine would make them.
 */
import type { MintedCredential } from '../test/support/pki.js';
import { DEFAULT_ENTIDAD, DEFAULT_ID_CAMPUS, DEFAULT_ID_NOMBRE_INSTITUCION } from '../test/support/dec-fixture.js';
import { BENCH_CVE_INSTITUCION, BENCH_PASSWORD, BENCH_USUARIO } from './fixtures.js';

/** METMEC_ADMIN_TOKEN of the MEC benchmark's service process. */
export const BENCH_ADMIN_TOKEN = 'metmec-bench-admin-token-0123456789';

/** One certificate's row in an upload's results (GET /api/v1/mec/cargas/{numeroLote}). */
export interface CargaDocument {
  readonly position: number;
  readonly archivo: string;
  readonly estatus: number;
  readonly descripcion: string;
  readonly folioControl: string;
  readonly checks: ReadonlyArray<{ readonly code: string; readonly status: string; readonly explanation?: string }>;
}

export interface CargaView {
  readonly numeroLote: number;
  readonly status: 'received' | 'processing' | 'processed';
  readonly counts: { readonly total: number; readonly registered: number; readonly rejected: number } | null;
  readonly documents?: readonly CargaDocument[];
}

export interface FolioView {
  readonly folio: string;
  readonly certificados: number;
  readonly authenticated: number;
  readonly state: string;
}

export interface MecClient {
  /** MEC id, the default campus, its responsible e.firma (`signer`) and the plan layout workbook. */
  register(signer: MintedCredential, planWorkbook: Buffer): Promise<void>;
  /** A test folio (QA user) for `certificados` certificates, active at once. */
  openFolio(certificados: number): Promise<FolioView>;
  /** POST …/folios/{folio}/cargas with the zip as the raw body; the numeroLote of the accepted upload. */
  upload(folio: string, nombreArchivo: string, zip: Buffer): Promise<number>;
  carga(numeroLote: number): Promise<CargaView>;
  folio(folio: string): Promise<FolioView>;
}

export function mecClient(baseUrl: string): MecClient {
  const admin = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };
  const basic = { authorization: `Basic ${Buffer.from(`${BENCH_USUARIO}:${BENCH_PASSWORD}`).toString('base64')}` };
  const json = { 'content-type': 'application/json' };
  const call = async <T>(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 1000)}`);
    return JSON.parse(text) as T;
  };
  const institution = `/api/v1/admin/institutions/${BENCH_CVE_INSTITUCION}`;
  return {
    async register(signer, planWorkbook) {
      await call('PUT', `${institution}/mec`, { ...admin, ...json }, JSON.stringify({ idNombreInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION }));
      await call('PUT', `${institution}/campus/${DEFAULT_ID_CAMPUS}`, { ...admin, ...json }, JSON.stringify({ nombre: 'ÚNICO', idEntidadFederativa: DEFAULT_ENTIDAD }));
      await call('PUT', `${institution}/campus/${DEFAULT_ID_CAMPUS}/responsable?idCargo=1&cargo=DIRECTOR`, { ...admin, 'content-type': 'application/pkix-cert' }, signer.cerDer);
      const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      await call('POST', `${institution}/planes`, { ...admin, 'content-type': xlsx }, planWorkbook);
    },
    openFolio: (certificados) => call<FolioView>('POST', '/api/v1/mec/folios', { ...basic, ...json }, JSON.stringify({ certificados })),
    async upload(folio, nombreArchivo, zip) {
      const path = `/api/v1/mec/folios/${encodeURIComponent(folio)}/cargas?nombreArchivo=${encodeURIComponent(nombreArchivo)}`;
      const answer = await call<{ numeroLote?: number }>('POST', path, { ...basic, 'content-type': 'application/zip' }, zip);
      if (!(typeof answer.numeroLote === 'number' && answer.numeroLote > 0)) throw new Error(`the upload was not accepted: ${JSON.stringify(answer)}`);
      return answer.numeroLote;
    },
    // A long poll: answered as soon as the upload is processed (waitSeconds at most).
    carga: (numeroLote) => call<CargaView>('GET', `/api/v1/mec/cargas/${numeroLote}?checks=problems&wait=true&waitSeconds=120`, basic),
    folio: (folio) => call<FolioView>('GET', `/api/v1/mec/folios/${encodeURIComponent(folio)}`, basic),
  };
}
