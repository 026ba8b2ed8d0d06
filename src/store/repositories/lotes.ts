import { inflateRawSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { Database, EnvironmentColumn, LoteKind, LoteRow, LoteStatus, NewDocumento, StoredChecks } from '../schema.js';

export interface NewLote {
  environment: EnvironmentColumn;
  cveInstitucion: string;
  usuario: string;
  channel: 'soap' | 'rest';
  nombreArchivo: string;
  archivo: Uint8Array;
  receivedAt: Date;
  /** MEC uploads: the folio and which of its attempts this is. */
  kind?: LoteKind;
  mecFolioId?: number;
  attemptNo?: number;
}

const ARCHIVO_PIECE = 1024 * 1024;

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which untrusted names do carry (a zip entry named
 * `x\0.xml`, `?nombreArchivo=a%00b`): stored as U+FFFD instead, so the row that reports the bad name
 * can be written at all (the insert used to fail, and the lote ended in PKG-INTERNAL after retries).
 */
export function storableText(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

/** `storableText` for every string inside a JSON text (checks carry names in node, found, explanation). */
function storableJson(json: string): string {
  return json.includes('\\u0000') ? JSON.stringify(JSON.parse(json), (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v)) : json;
}

/**
 * Stores the upload with the next numeroLote of its environment's sequence. Call it inside a
 * transaction: the lote row and the pieces of its file commit together.
 */
export async function insertLote(db: Kysely<Database>, lote: NewLote): Promise<{ id: number; numeroLote: number }> {
  const sequence = lote.environment === 'qa' ? 'lote_numero_qa' : 'lote_numero_prod';
  const row = await db
    .insertInto('lote')
    .values({
      environment: lote.environment,
      numero_lote: sql<number>`nextval(${sql.lit(sequence)}::regclass)`,
      cve_institucion: lote.cveInstitucion,
      usuario: lote.usuario,
      channel: lote.channel,
      nombre_archivo: storableText(lote.nombreArchivo),
      archivo_bytes: lote.archivo.byteLength,
      received_at: lote.receivedAt,
      kind: lote.kind ?? 'titulos',
      mec_folio_id: lote.mecFolioId ?? null,
      attempt_no: lote.attemptNo ?? null,
    })
    .returning(['id', 'numero_lote'])
    .executeTakeFirstOrThrow();
  for (let offset = 0, seq = 0; offset < lote.archivo.byteLength; offset += ARCHIVO_PIECE, seq++) {
    await db
      .insertInto('lote_archivo')
      .values({ lote_id: row.id, seq, bytes: lote.archivo.subarray(offset, offset + ARCHIVO_PIECE) })
      .execute();
  }
  return { id: row.id, numeroLote: row.numero_lote };
}

/** The uploaded file, read back a few pieces at a time into one buffer of its recorded size. */
export async function readLoteArchivo(db: Kysely<Database>, loteId: number, bytes: number): Promise<Buffer> {
  const archivo = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (let seq = 0; offset < bytes; seq += PIECES_PER_READ) {
    const pieces = await db
      .selectFrom('lote_archivo')
      .select(['seq', 'bytes'])
      .where('lote_id', '=', loteId)
      .where('seq', '>=', seq)
      .where('seq', '<', seq + PIECES_PER_READ)
      .orderBy('seq')
      .execute();
    if (pieces.length === 0) break;
    for (const piece of pieces) offset += Buffer.from(piece.bytes.buffer, piece.bytes.byteOffset, piece.bytes.byteLength).copy(archivo, offset);
  }
  if (offset !== bytes) throw new Error(`lote ${loteId}: stored file has ${offset} bytes, expected ${bytes}`);
  return archivo;
}

const PIECES_PER_READ = 4;

/** The documento columns that give back a file of a lote (see withDocuments). */
export const DOCUMENT_COLUMNS = ['documento.lote_id', 'documento.xml', 'documento.upload_offset', 'documento.upload_size', 'documento.upload_method'] as const;

interface DocumentColumns {
  lote_id: number;
  xml: Uint8Array | null;
  upload_offset: number | null;
  upload_size: number | null;
  upload_method: 0 | 8 | null;
}

/** Inflating a stored file never yields more than this (intake held every file to far less). */
const MAX_STORED_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Rows carrying DOCUMENT_COLUMNS, each with `xml` set to its file's bytes: the copy rows stored
 * before migration 0005 kept, or the file read back from the stored upload (only its own byte range,
 * one query for every row) and inflated when the zip deflated it. `xml` is null when neither exists.
 */
export async function withDocuments<T extends DocumentColumns>(
  db: Kysely<Database>,
  rows: readonly T[],
): Promise<Array<Omit<T, keyof DocumentColumns> & { xml: Buffer | null }>> {
  const ranges: Array<{ row: number; lote: number; seq: number; from: number; length: number }> = [];
  rows.forEach((r, row) => {
    if (r.xml !== null || r.upload_offset === null || r.upload_size === null) return;
    const end = r.upload_offset + r.upload_size;
    for (let seq = Math.floor(r.upload_offset / ARCHIVO_PIECE); seq * ARCHIVO_PIECE < end; seq++) {
      const from = Math.max(r.upload_offset, seq * ARCHIVO_PIECE);
      const to = Math.min(end, (seq + 1) * ARCHIVO_PIECE);
      ranges.push({ row, lote: r.lote_id, seq, from: from - seq * ARCHIVO_PIECE, length: to - from });
    }
  });
  const pieces = new Map<number, Buffer[]>();
  if (ranges.length > 0) {
    const found = await sql<{ i: number; bytes: Uint8Array }>`
      SELECT r.i, substring(a.bytes FROM r.from_byte + 1 FOR r.length) AS bytes
      FROM unnest(${ranges.map((_, i) => i)}::int[], ${ranges.map((r) => r.lote)}::bigint[], ${ranges.map((r) => r.seq)}::int[],
                  ${ranges.map((r) => r.from)}::int[], ${ranges.map((r) => r.length)}::int[]) AS r(i, lote_id, seq, from_byte, length)
      JOIN lote_archivo a ON a.lote_id = r.lote_id AND a.seq = r.seq
      ORDER BY r.i`.execute(db);
    for (const { i, bytes } of found.rows) {
      const { row } = ranges[i]!;
      const list = pieces.get(row) ?? [];
      list.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      pieces.set(row, list);
    }
  }
  return rows.map((r, row) => {
    const { lote_id: _lote, xml, upload_offset: _offset, upload_size: size, upload_method: method, ...rest } = r;
    if (xml !== null) return { ...rest, xml: Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength) };
    const data = pieces.has(row) ? Buffer.concat(pieces.get(row)!) : null;
    if (data === null || data.length !== size) return { ...rest, xml: null };
    return { ...rest, xml: method === 8 ? inflateRawSync(data, { maxOutputLength: MAX_STORED_FILE_BYTES }) : data };
  });
}

/**
 * Claims the oldest lote that is pending, or whose lease expired (its worker died), with
 * FOR UPDATE SKIP LOCKED so several workers sharing one database never take the same lote.
 */
export async function claimNextLote(db: Kysely<Database>, owner: string, leaseSeconds: number): Promise<LoteRow | undefined> {
  return db
    .updateTable('lote')
    .set({
      status: 'processing',
      lease_owner: owner,
      lease_expires_at: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
      attempts: sql<number>`attempts + 1`,
    })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('lote')
        .select('id')
        .where((w) =>
          w.or([w('status', '=', 'pending'), w.and([w('status', '=', 'processing'), w('lease_expires_at', '<', sql<Date>`now()`)])]),
        )
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .executeTakeFirst();
}

export interface LoteFinish {
  loteId: number;
  owner: string;
  startedAt: Date;
  processedAt: Date;
  total: number;
  registered: number;
  rejected: number;
}

/** Marks the lote processed if this worker still holds its lease; false when the lease was lost. */
export async function markLoteProcessed(db: Kysely<Database>, finish: LoteFinish): Promise<boolean> {
  const updated = await db
    .updateTable('lote')
    .set({
      status: 'processed',
      lease_owner: null,
      lease_expires_at: null,
      started_at: finish.startedAt,
      processed_at: finish.processedAt,
      total: finish.total,
      registered: finish.registered,
      rejected: finish.rejected,
    })
    .where('id', '=', finish.loteId)
    .where('status', '=', 'processing')
    .where('lease_owner', '=', finish.owner)
    .executeTakeFirst();
  return updated.numUpdatedRows === 1n;
}

/**
 * Inside a transaction: locks the lote row if this worker still holds its lease, so nobody can
 * re-claim it until the transaction ends; false when the lease was lost (another worker has it or
 * finished it). Take this lock before writing any result of the lote.
 */
export async function lockLeasedLote(db: Kysely<Database>, loteId: number, owner: string): Promise<boolean> {
  const row = await db
    .selectFrom('lote')
    .select('id')
    .where('id', '=', loteId)
    .where('status', '=', 'processing')
    .where('lease_owner', '=', owner)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export interface LoteFailure {
  loteId: number;
  owner: string;
  startedAt: Date;
  processedAt: Date;
  /** The one package-level row the client reads instead of per-file results. */
  documento: NewDocumento;
}

/**
 * Finishes a lote that could not be processed with a single package-level row, if this worker
 * still holds its lease; false when the lease was lost.
 */
export async function markLoteFailed(db: Kysely<Database>, failure: LoteFailure): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockLeasedLote(trx, failure.loteId, failure.owner))) return false;
    await insertDocumentos(trx, [failure.documento]);
    return markLoteProcessed(trx, {
      loteId: failure.loteId,
      owner: failure.owner,
      startedAt: failure.startedAt,
      processedAt: failure.processedAt,
      total: 1,
      registered: 0,
      rejected: 1,
    });
  });
}

const DOCUMENT_BATCH = 500;

export async function insertDocumentos(db: Kysely<Database>, documentos: readonly NewDocumento[]): Promise<void> {
  for (let i = 0; i < documentos.length; i += DOCUMENT_BATCH) {
    const batch = documentos.slice(i, i + DOCUMENT_BATCH).map((d) => ({
      ...d,
      archivo: storableText(d.archivo),
      folio_control: storableText(d.folio_control),
      descripcion: storableText(d.descripcion),
      checks: storableJson(d.checks),
    }));
    await db.insertInto('documento').values(batch).execute();
  }
}

/** Lote metadata without the uploaded bytes, for status queries. */
export function findLoteSummary(db: Kysely<Database>, environment: EnvironmentColumn, numeroLote: number, kind: LoteKind = 'titulos') {
  return db
    .selectFrom('lote')
    .select(LOTE_SUMMARY_COLUMNS)
    .where('environment', '=', environment)
    .where('numero_lote', '=', numeroLote)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

export const LOTE_SUMMARY_COLUMNS = [
  'id',
  'kind',
  'mec_folio_id',
  'attempt_no',
  'environment',
  'numero_lote',
  'cve_institucion',
  'usuario',
  'channel',
  'nombre_archivo',
  'archivo_bytes',
  'status',
  'attempts',
  'received_at',
  'started_at',
  'processed_at',
  'total',
  'registered',
  'rejected',
] as const;

export interface LoteFilter {
  cveInstitucion?: string | undefined;
  environment?: EnvironmentColumn | undefined;
  status?: LoteStatus | undefined;
  receivedFrom?: Date | undefined;
  receivedTo?: Date | undefined;
  /** Keyset pagination: lotes with id below this one (newest first). */
  beforeId?: number | undefined;
  limit: number;
}

export function listLotes(db: Kysely<Database>, filter: LoteFilter) {
  let query = db.selectFrom('lote').select(LOTE_SUMMARY_COLUMNS).orderBy('id', 'desc').limit(filter.limit);
  if (filter.cveInstitucion) query = query.where('cve_institucion', '=', filter.cveInstitucion);
  if (filter.environment) query = query.where('environment', '=', filter.environment);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.receivedFrom) query = query.where('received_at', '>=', filter.receivedFrom);
  if (filter.receivedTo) query = query.where('received_at', '<', filter.receivedTo);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}

/**
 * A lote's rows in upload order, with their checks: none, all, or only those of rows that hold an
 * error or a warning (the rest come back with `checks` null, never read nor sent: for a lote of valid
 * documents that is nearly all of the data). The stored text is matched as written: JSON.stringify
 * writes `"status":"error"`, rows converted from jsonb by 0005 `"status": "error"`; a quote inside a
 * value is escaped, so no text can imitate the pair.
 */
export function listDocumentos(db: Kysely<Database>, loteId: number, checks: 'none' | 'all' | 'problems') {
  const selected =
    checks === 'all'
      ? sql<StoredChecks | null>`checks`
      : checks === 'problems'
        ? sql<StoredChecks | null>`CASE WHEN checks::text ~ '"status": ?"(error|warning)"' THEN checks END`
        : sql<StoredChecks | null>`NULL::json`;
  return db
    .selectFrom('documento')
    .select(['position', 'archivo', 'folio_control', 'estatus', 'descripcion', selected.as('checks')])
    .where('lote_id', '=', loteId)
    .orderBy('position')
    .execute();
}
