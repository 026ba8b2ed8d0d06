/**
 * What checkDec needs from outside, prefetched by the pipeline: the domain does no I/O and has no
 * clock of its own. Re-exported from check-dec.ts, the entry point.
 */
import type { ObservacionesVersion } from '../catalogs/certificados.js';
import { skip, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import type { CertificateCache } from '../efirma/certificate-cache.js';
import type { PlanLookup } from '../planes/plan.js';
import type { FolioState, RegisteredSigner } from '../shared/signer.js';

export type { FolioState, RegisteredSigner } from '../shared/signer.js';
export type { PlanLookup, RegisteredPlan } from '../planes/plan.js';

/** A campus of the institution as registered with the MEC (§4.6 Registration: one signer per campus). */
export interface RegisteredCampus {
  /** The campus's entidad federativa, two digits. */
  readonly idEntidadFederativa: string;
  /** The e.firma registered for this campus (the same one may serve every campus); null when none. */
  readonly signer: RegisteredSigner | null;
}

export interface RegisteredInstitution {
  /** The MEC institution id (ID_INSTITUCION, e.g. `20585`). */
  readonly idNombreInstitucion: string;
  /** Campuses by DGP clave (`Ipes/@idCampus`). */
  readonly campuses: ReadonlyMap<string, RegisteredCampus>;
}

/** Choices where SEP's behaviour is not public; DEFAULT_DEC_OPTIONS documents each default. */
export interface DecOptions {
  /**
   * `distinct-cycles`: numeroCiclos = distinct `ciclo` values among the listed subjects (§4.3, the
   * majority reading: S3, S4, S5, S7). `plan`: the plan's registered number of cycles (S10, S12).
   */
  readonly numeroCiclosRule: 'distinct-cycles' | 'plan';
  /** Expedicion/@fecha must be this many days before the authentication date, inclusive (§4.5 FAQ: 1 to 90). */
  readonly expedicionWindowDays: { readonly min: number; readonly max: number };
  /** Accept `10.00` as well as `10` (§4.1 [CONFLICT]: S4 writes `10.00`; S1, S2, S3, S5 write `10`). */
  readonly acceptTenWithDecimals: boolean;
  /**
   * From when a `version="2.0"` DEC is refused ('AAAA-MM-DD'), for the message. The spec gives no
   * date; the default is the DOF publication of Acuerdo 11/05/21 (2021-05-24, §4.6), this
   * emulator's choice of a plausible switch-over date.
   */
  readonly version20RefusedSince: string;
  /** Which observaciones catalog version is accepted (see catalogs/certificados.ts). */
  readonly observacionesVersion: ObservacionesVersion;
  /** Accept 33 EXTRANJERO as Expedicion/@idLugarExpedicion (§7 question 7; only S3 offers it). */
  readonly allowExtranjeroLugarExpedicion: boolean;
  /**
   * Plausible age of the student on Expedicion/@fecha, in completed years. Not a known SEP rule:
   * this emulator's guard against swapped or mistyped birth dates (no higher-education certificate
   * goes to a child, nor to someone born more than a century ago).
   */
  readonly alumnoAgeYears: { readonly min: number; readonly max: number };
}

export const DEFAULT_DEC_OPTIONS: DecOptions = Object.freeze({
  numeroCiclosRule: 'distinct-cycles',
  expedicionWindowDays: Object.freeze({ min: 1, max: 90 }),
  acceptTenWithDecimals: false,
  version20RefusedSince: '2021-05-24',
  observacionesVersion: 'all',
  allowExtranjeroLugarExpedicion: false,
  alumnoAgeYears: Object.freeze({ min: 15, max: 100 }),
});

/** DEFAULT_DEC_OPTIONS with some choices changed. */
export function decOptions(overrides: Partial<DecOptions> = {}): DecOptions {
  return Object.freeze({ ...DEFAULT_DEC_OPTIONS, ...overrides });
}

/** Everything the DEC checks need from outside, prefetched by the pipeline. */
export interface DecContext extends DecDocumentContext {
  /** Uniqueness of folioControl within the institution and the lote. */
  readonly folioState: (folioControl: string) => FolioState;
}

/**
 * What the checks of the document itself need (every check but the folio's): facts of the upload,
 * the same for every file, so these checks can run on any thread, in any order.
 */
export interface DecDocumentContext {
  /** The authentication date: the service's date in Mexico City ('AAAA-MM-DD'). */
  readonly today: string;
  /** The institution that owns the credentials, with its campuses. */
  readonly institution: RegisteredInstitution;
  /** The institution's registered plans (§3.10 layout). */
  readonly plan: PlanLookup;
  readonly certificates: CertificateCache;
  /** Every signer registered for this institution (any campus, active or revoked), by certificate SHA-256. */
  readonly signersBySha256: ReadonlyMap<string, RegisteredSigner>;
  readonly options: DecOptions;
}

/** The MEC registry part of a DecContext: what the checks look up about the uploading institution. */
export type DecRegistry = Pick<DecContext, 'institution' | 'plan' | 'signersBySha256'>;

/**
 * What checkDecOffline needs: no registry at all (the CLI's `verify`, before anything is uploaded).
 * `today` stands for the authentication date the expedition window is measured against.
 */
export type OfflineDecContext = Pick<DecContext, 'today' | 'certificates' | 'options'>;

/** A registry check left out offline: recorded as skipped, never guessed. */
export function notCheckedOffline(code: CheckCode, where: Pick<CheckResult, 'node' | 'attribute'>): CheckResult {
  return skip(code, 'Not checked offline: this needs the MEC registry (institution, campuses, plans, registered e.firma, folios); it is checked on upload', where);
}
