/**
 * A lote's files are checked in two halves (src/jobs/lote-pipeline.ts):
 *
 *   1. prepare, on any thread and in any order: inflate, parse and every check that needs only the
 *      document and the lote's facts (registered signers, plans, today…): a PreparedFile.
 *   2. complete, on the lote's own thread in upload order: the registry checks that end every
 *      document's list (the folio: registered before, or earlier in this lote; RENAPO for títulos),
 *      answered from the database and from the files before it.
 *
 * The result is exactly what the whole check function (checkTitulo, checkDec) gives when run file
 * after file, which the tests compare.
 */
import { hasErrors, sepMessageOf, type CheckResult } from '../domain/checks.js';
import type { FileLocation } from '../intake/package.js';
import { encodeChecks } from '../store/check-codec.js';
import type { FolioBook } from './folio-book.js';
import { locationOf, type LoteFile } from './lote-file.js';

/** One file checked as far as the document alone allows. */
export interface PreparedFile<Tail> {
  /** folioControl as written on the root ('' when absent or unreadable). */
  readonly folioControl: string;
  /** encodeChecks of the document's own checks. */
  readonly checks: string;
  /** Whether one of them failed, and SEP's message for the first that did. */
  readonly failed: boolean;
  readonly sepMessage: string;
  /** What the registry checks read; null when the checks stopped before them. */
  readonly tail: Tail | null;
}

/** A file whose bytes could not be had (it does not inflate to what the zip says): the lote fails as a package. */
export interface UnreadableFile {
  readonly unreadable: CheckResult;
}

export function isUnreadable(file: object): file is UnreadableFile {
  return 'unreadable' in file;
}

/** The document's own checks, ready to be sent between threads. */
export function preparedChecks(checks: readonly CheckResult[]): Pick<PreparedFile<never>, 'checks' | 'failed' | 'sepMessage'> {
  const failed = hasErrors(checks);
  return { checks: encodeChecks(checks), failed, sepMessage: failed ? (sepMessageOf(checks) ?? '') : '' };
}

/** A file's row as stored: SEP's answer, every check, and where the file lies in the upload. */
export interface CompletedFile {
  readonly position: number;
  readonly archivo: string;
  readonly folioControl: string;
  readonly estatus: 1 | 2;
  readonly descripcion: string;
  /** encodeChecks of every check. */
  readonly checks: string;
  readonly location: FileLocation | null;
}

/**
 * A file's row: its own checks, then the registry checks made on the lote's thread, SEP's answer
 * (`passedMessage` when every check passed), its folio registered in `folios` when it passed.
 */
export function completeFile(
  prepared: PreparedFile<unknown>,
  file: LoteFile,
  position: number,
  registryChecks: readonly CheckResult[],
  passedMessage: string,
  folios: FolioBook,
): CompletedFile {
  const checks = registryChecks.length === 0 ? prepared.checks : appendEncoded(prepared.checks, encodeChecks(registryChecks));
  const failure = prepared.failed ? prepared.sepMessage : hasErrors(registryChecks) ? (sepMessageOf(registryChecks) ?? '') : undefined;
  if (failure === undefined) folios.register(prepared.folioControl);
  return {
    position,
    archivo: file.name,
    folioControl: prepared.folioControl,
    estatus: failure === undefined ? 1 : 2,
    descripcion: failure ?? passedMessage,
    checks,
    location: locationOf(file),
  };
}

/** The one row of an upload that fails as a whole: SEP names the upload itself. */
export function packageFailure(nombreArchivo: string, error: CheckResult): CompletedFile {
  return { position: 0, archivo: nombreArchivo, folioControl: '', estatus: 2, descripcion: sepMessageOf([error]) ?? '', checks: encodeChecks([error]), location: null };
}

/** Two encodeChecks texts (JSON arrays) as one. */
function appendEncoded(head: string, tail: string): string {
  if (head === '[]') return tail;
  return `${head.slice(0, -1)},${tail.slice(1)}`;
}
