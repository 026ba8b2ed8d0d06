/**
 * What checkTitulo needs from outside, prefetched by the pipeline: the domain does no I/O and has no
 * clock of its own. Re-exported from check-titulo.ts, the entry point.
 */
import type { CertificateCache, EfirmaCertificate } from '../efirma/certificate-cache.js';
import type { FolioState, RegisteredSigner } from '../shared/signer.js';

export type { FolioState, RegisteredSigner } from '../shared/signer.js';

export interface RenapoRecord {
  readonly nombre: string;
  readonly primerApellido: string;
  readonly segundoApellido: string;
}

/** Everything the checks need from outside, prefetched by the pipeline: the domain does no I/O. */
export interface TituloContext extends TituloDocumentContext, TituloRegistryContext {}

/**
 * What the checks of the document itself need: facts of the lote, the same for every file, so
 * these checks can run on any thread, in any order.
 */
export interface TituloDocumentContext {
  /** The service's date in Mexico City ('AAAA-MM-DD'), for "not in the future". */
  readonly today: string;
  /** The institution that owns the credentials. */
  readonly cveInstitucion: string;
  /** Signers registered for this institution, by certificate SHA-256 (active and revoked). */
  readonly signersBySha256: ReadonlyMap<string, RegisteredSigner>;
  /** Authority certificates trusted for the Autenticacion node, by número de certificado. */
  readonly authorityCertificates: ReadonlyMap<string, EfirmaCertificate>;
  /** Whether the cadena is built with &, ", <, > XML-escaped (spec §3.4, open question; default false). */
  readonly cadenaEscapeXml: boolean;
  readonly certificates: CertificateCache;
}

/**
 * What the registry checks (the last ones, TIT-RENAPO-* and TIT-FOLIO-*) need: answers that depend
 * on the registries and, for the folio, on the files before this one in the lote.
 */
export interface TituloRegistryContext {
  /** Emulated RENAPO lookup; null when the RENAPO check is off. */
  readonly renapo: ((curp: string) => RenapoRecord | undefined) | null;
  /** Uniqueness of folioControl: already registered (not cancelled), or registered earlier in this lote. */
  readonly folioState: (folioControl: string) => FolioState;
}
