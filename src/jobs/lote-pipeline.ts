/**
 * The main thread's side of a lote's evaluation: its files go to an executor (the evaluation
 * threads, or this thread when there are none) a chunk at a time, a few chunks ahead, and come back
 * prepared, in upload order, for the registry checks and the storing (src/jobs/prepared-file.ts).
 */
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { CheckResult } from '../domain/checks.js';
import type { IntakeLimits } from '../intake/limits.js';
import type { EvaluationPool, LoteExecutor } from './evaluation-pool.js';
import { prepareFile, preparerFor, type LoteFacts, type PreparedByKind } from './file-preparation.js';
import { fileData, type LoteFile } from './lote-file.js';
import type { Kysely } from 'kysely';
import { indexUpload, uploadFailure, type UploadInspection } from '../intake/package.js';
import { readLoteArchivo } from '../store/repositories/lotes.js';
import type { Database, LoteRow } from '../store/schema.js';
import type { UploadHandoff } from './upload-handoff.js';
import { isUnreadable, packageFailure, type CompletedFile } from './prepared-file.js';

/** A file of the upload does not inflate as its zip declares: the upload fails as a whole, with `check`. */
export class UnreadableUpload extends Error {
  override readonly name = 'UnreadableUpload';

  constructor(readonly check: CheckResult) {
    super(check.explanation);
  }
}

/** The pool's threads when it has any, else this thread. */
export function loteExecutor<K extends LoteFacts['kind']>(
  pool: EvaluationPool | null | undefined,
  facts: Extract<LoteFacts, { kind: K }>,
  limits: IntakeLimits,
  certificates: CertificateCache,
): { executor: LoteExecutor<PreparedByKind[K]>; ahead: number } {
  if (pool && pool.size > 0) return { executor: pool.openLote(facts, limits), ahead: 2 * pool.size };
  const preparer = preparerFor(facts as LoteFacts, certificates);
  const executor: LoteExecutor<PreparedByKind[K]> = {
    prepare: async (files, archive) => files.map((file) => prepareFile(fileData(file, archive), preparer, limits) as PreparedByKind[K]),
    close: () => {},
  };
  return { executor, ahead: 1 };
}

export interface PreparedChunk<P> {
  /** Position in the lote of the chunk's first file. */
  readonly start: number;
  readonly files: readonly LoteFile[];
  readonly prepared: readonly P[];
}

/**
 * The lote's files prepared, a chunk at a time, in upload order, with `ahead` chunks at the
 * executor. Throws UnreadableUpload at the first chunk holding a file that does not inflate.
 */
export async function* preparedChunks<P extends object>(
  files: readonly LoteFile[],
  archive: Buffer,
  executor: LoteExecutor<P>,
  ahead: number,
): AsyncGenerator<PreparedChunk<P>> {
  const ranges = [...chunkRanges(files)];
  const jobs: Array<ReturnType<LoteExecutor<P>['prepare']> | undefined> = [];
  const submit = (i: number): void => {
    const range = ranges[i];
    if (range === undefined) return;
    const job = executor.prepare(files.slice(range[0], range[1]), archive);
    job.catch(() => {}); // awaited in order below; a lote that fails early leaves later jobs unheard
    jobs[i] = job;
  };
  for (let i = 0; i < ahead; i++) submit(i);
  for (const [i, [start, end]] of ranges.entries()) {
    const prepared = await jobs[i]!;
    jobs[i] = undefined;
    submit(i + ahead);
    const unreadable = prepared.find(isUnreadable);
    if (unreadable !== undefined) throw new UnreadableUpload(unreadable.unreadable);
    yield { start, files: files.slice(start, end), prepared: prepared as P[] };
  }
}

/**
 * The upload's files prepared by `executor` a chunk at a time and handed, in upload order, to
 * `consume`, which completes and stores them inside its transaction. When a file turns out not to
 * inflate as its zip declares, that transaction is abandoned and `unreadable` stores the upload's
 * one failure row instead. The executor is closed either way.
 */
export async function withPreparedChunks<P extends object, T>(
  upload: { readonly files: readonly LoteFile[]; readonly archive: Buffer },
  { executor, ahead }: { readonly executor: LoteExecutor<P>; readonly ahead: number },
  consume: (chunks: AsyncIterable<PreparedChunk<P>>) => Promise<T>,
  unreadable: () => Promise<T>,
): Promise<T> {
  try {
    return await consume(preparedChunks(upload.files, upload.archive, executor, ahead));
  } catch (error) {
    if (error instanceof UnreadableUpload) return unreadable();
    throw error;
  } finally {
    executor.close();
  }
}

/**
 * Each chunk completed (`complete`: the registry questions of its files answered, its rows made) in
 * upload order and stored while the chunks after it are being prepared: the rows of one chunk go to
 * the database while the next is completed.
 */
export async function storeInOrder<P extends object, R>(
  chunks: AsyncIterable<PreparedChunk<P>>,
  complete: (chunk: PreparedChunk<P>) => Promise<readonly R[]>,
  store: (rows: readonly R[]) => Promise<void>,
): Promise<void> {
  let storing: Promise<void> = Promise.resolve();
  for await (const chunk of chunks) {
    const rows = await complete(chunk);
    await storing;
    storing = store(rows);
  }
  await storing;
}

/**
 * A lote's upload, what inspectUpload found of it: as this process received and inspected it when it
 * still holds it, else read from the database and indexed. The upload fails as a whole when `files`
 * is null or `failure` is set (store packageFailureOf); a file that does not inflate can still turn
 * up later for an upload that was not inspected here (preparedChunks then throws UnreadableUpload).
 */
export async function loteUpload(
  lote: LoteRow,
  deps: { readonly db: Kysely<Database>; readonly handoff?: UploadHandoff | undefined; readonly limits: IntakeLimits },
): Promise<UploadInspection & { archive: Buffer }> {
  const received = deps.handoff?.take(lote.id);
  const held = received !== undefined && received.archivo.byteLength === lote.archivo_bytes ? received : undefined;
  const archive = held?.archivo ?? (await readLoteArchivo(deps.db, lote.id, lote.archivo_bytes));
  if (held?.inspection) return { archive, ...(await held.inspection) };
  return { archive, files: await indexUpload(lote.nombre_archivo, archive, deps.limits), failure: null };
}

/**
 * The one row of a lote whose upload fails as a whole (SEP names the upload): `failure` when it is
 * known, else the first failure in the zip's order, as unpackUpload finds it.
 */
export async function packageFailureOf(
  lote: Pick<LoteRow, 'nombre_archivo' | 'numero_lote'>,
  archive: Buffer,
  limits: IntakeLimits,
  failure: CheckResult | null = null,
): Promise<CompletedFile> {
  const found = failure ?? (await uploadFailure(lote.nombre_archivo, archive, limits));
  if (found === null) throw new Error(`lote ${lote.numero_lote}: a file did not inflate in the pipeline, but the upload unpacks`);
  return packageFailure(lote.nombre_archivo, found);
}

/**
 * Files per chunk, and inflated bytes per chunk past its first file: small enough that the first
 * results are stored early and the last store, which nothing overlaps, is short; large enough for few
 * messages and round trips (bench/README.md).
 */
const CHUNK_FILES = 128;
const CHUNK_BYTES = 2 * 1024 * 1024;

function inflatedSize(file: LoteFile): number {
  return 'bytes' in file ? file.bytes.length : file.uncompressedSize;
}

/** [start, end) ranges of at most CHUNK_FILES files and, past the first file, CHUNK_BYTES inflated. */
function* chunkRanges(files: readonly LoteFile[]): Generator<[number, number]> {
  let start = 0;
  while (start < files.length) {
    let end = start;
    let bytes = 0;
    while (end < files.length && end - start < CHUNK_FILES && (end === start || bytes + inflatedSize(files[end]!) <= CHUNK_BYTES)) {
      bytes += inflatedSize(files[end]!);
      end++;
    }
    yield [start, end];
    start = end;
  }
}
