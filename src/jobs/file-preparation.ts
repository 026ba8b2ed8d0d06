/**
 * What the first half of a lote's evaluation (src/jobs/prepared-file.ts) does with one file, on
 * whichever thread runs it: inflate it when it is still in the zip (with the same caps and CRC check
 * as unpackUpload), then hand its bytes to the document kind's preparer.
 */
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import { DecPreparer, type DecFacts, type PreparedDec } from '../certificados/prepare-dec.js';
import type { IntakeLimits } from '../intake/limits.js';
import { inflateEntry } from '../intake/zip.js';
import type { FileData } from './lote-file.js';
import { TituloPreparer, type PreparedTitulo, type TituloFacts } from '../titulos/prepare-titulo.js';
import type { UnreadableFile } from './prepared-file.js';

/** A lote's facts, by document kind, in a form that can be posted to a thread. */
export type LoteFacts = { readonly kind: 'titulos'; readonly facts: TituloFacts } | { readonly kind: 'certificados'; readonly facts: DecFacts };

/** What a file is prepared into, by document kind. */
export interface PreparedByKind {
  titulos: PreparedTitulo;
  certificados: PreparedDec;
}

export type Prepared = PreparedTitulo | PreparedDec;

/** The preparer of a lote's kind; `certificates` is the calling thread's cache. */
export function preparerFor(lote: LoteFacts, certificates: CertificateCache): { prepare(bytes: Buffer): Prepared } {
  return lote.kind === 'titulos' ? new TituloPreparer(lote.facts, certificates) : new DecPreparer(lote.facts, certificates);
}

/** Inflates the file if it is still zipped, then prepares it; an entry that does not inflate as declared is unreadable. */
export function prepareFile(file: FileData, preparer: { prepare(bytes: Buffer): Prepared }, limits: IntakeLimits): Prepared | UnreadableFile {
  if (file.zip === null) return preparer.prepare(file.bytes);
  const inflated = inflateEntry(file.bytes, { name: file.name, offset: 0, size: file.bytes.length, ...file.zip }, limits);
  return inflated.ok ? preparer.prepare(inflated.value) : { unreadable: inflated.error };
}
