/**
 * What stored state must look like after any sequence of uploads, read with plain SQL (not the
 * repositories under test): lote counts equal their documento rows, every registered título and
 * authenticated certificado points at a documento with estatus 1 of the right kind of lote (and every
 * accepted documento has its registration), folio counters within their rules, no orphans, no folio
 * registered twice at once, nothing left unprocessed.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../src/store/schema.js';

const CHECKS: ReadonlyArray<readonly [string, string]> = [
  ['lote counts differ from its documento rows', `
    SELECT l.numero_lote AS id FROM lote l LEFT JOIN documento d ON d.lote_id = l.id
    WHERE l.status = 'processed'
    GROUP BY l.id, l.numero_lote, l.total, l.registered, l.rejected
    HAVING l.total IS DISTINCT FROM count(d.lote_id)
        OR l.registered IS DISTINCT FROM count(d.lote_id) FILTER (WHERE d.estatus = 1)
        OR l.rejected IS DISTINCT FROM count(d.lote_id) FILTER (WHERE d.estatus = 2)
        OR count(d.lote_id) = 0`],
  ['lote not processed after its upload was answered', `SELECT numero_lote AS id FROM lote WHERE status <> 'processed'`],
  ['documento without its lote', `SELECT d.lote_id AS id FROM documento d LEFT JOIN lote l ON l.id = d.lote_id WHERE l.id IS NULL`],
  ['documento with an estatus other than 1 or 2', `SELECT lote_id AS id FROM documento WHERE estatus NOT IN (1, 2)`],
  ['lote_archivo without its lote', `SELECT a.lote_id AS id FROM lote_archivo a LEFT JOIN lote l ON l.id = a.lote_id WHERE l.id IS NULL`],
  ['titulo not pointing at an accepted documento of a títulos lote of its institution', `
    SELECT t.id FROM titulo t
    LEFT JOIN documento d ON d.lote_id = t.lote_id AND d.position = t.position
    LEFT JOIN lote l ON l.id = t.lote_id
    WHERE d.lote_id IS NULL OR l.id IS NULL OR d.estatus <> 1 OR l.kind <> 'titulos'
       OR l.cve_institucion <> t.cve_institucion OR l.environment <> t.environment OR d.folio_control <> t.folio_control`],
  ['accepted títulos documento without its titulo row', `
    SELECT d.lote_id AS id FROM documento d JOIN lote l ON l.id = d.lote_id
    LEFT JOIN titulo t ON t.lote_id = d.lote_id AND t.position = d.position
    WHERE l.kind = 'titulos' AND d.estatus = 1 AND t.id IS NULL`],
  ['título folioControl registered twice at once', `
    SELECT min(id) AS id FROM titulo WHERE cancelled_at IS NULL
    GROUP BY environment, cve_institucion, folio_control HAVING count(*) > 1`],
  ['mec_certificado not pointing at an accepted documento of the folio lote', `
    SELECT c.id FROM mec_certificado c
    LEFT JOIN documento d ON d.lote_id = c.lote_id AND d.position = c.position
    LEFT JOIN lote l ON l.id = c.lote_id
    WHERE d.lote_id IS NULL OR l.id IS NULL OR d.estatus <> 1 OR l.kind <> 'certificados'
       OR l.mec_folio_id IS DISTINCT FROM c.mec_folio_id OR l.cve_institucion <> c.cve_institucion
       OR l.environment <> c.environment OR d.folio_control <> c.folio_control`],
  ['accepted certificados documento without its mec_certificado row', `
    SELECT d.lote_id AS id FROM documento d JOIN lote l ON l.id = d.lote_id
    LEFT JOIN mec_certificado c ON c.lote_id = d.lote_id AND c.position = d.position
    WHERE l.kind = 'certificados' AND d.estatus = 1 AND c.id IS NULL`],
  ['certificado folioControl authenticated twice at once', `
    SELECT min(id) AS id FROM mec_certificado WHERE cancellation_effective_at IS NULL
    GROUP BY environment, cve_institucion, folio_control HAVING count(*) > 1`],
  ['mec_folio counters outside their rules (attempts_used ≤ 3, authenticated ≤ certificados)', `
    SELECT id FROM mec_folio WHERE attempts_used < 0 OR attempts_used > 3 OR authenticated < 0 OR authenticated > certificados`],
  ['mec_folio attempts_used differs from its lotes', `
    SELECT f.id FROM mec_folio f LEFT JOIN lote l ON l.mec_folio_id = f.id
    GROUP BY f.id, f.attempts_used HAVING f.attempts_used <> count(l.id)`],
  ['mec_folio authenticated differs from its certificados', `
    SELECT f.id FROM mec_folio f LEFT JOIN mec_certificado c ON c.mec_folio_id = f.id
    GROUP BY f.id, f.authenticated HAVING f.authenticated <> count(c.id)`],
  ['certificados lote without a folio attempt in 1…3', `
    SELECT numero_lote AS id FROM lote WHERE kind = 'certificados' AND (mec_folio_id IS NULL OR attempt_no IS NULL OR attempt_no NOT BETWEEN 1 AND 3)`],
  ['mec_certificado of a missing folio', `SELECT c.id FROM mec_certificado c LEFT JOIN mec_folio f ON f.id = c.mec_folio_id WHERE f.id IS NULL`],
];

/** Every broken invariant as one line naming the check and the offending ids (empty when all hold). */
export async function brokenInvariants(db: Kysely<Database>): Promise<string[]> {
  const problems: string[] = [];
  for (const [what, query] of CHECKS) {
    const { rows } = await sql<{ id: string | number }>`${sql.raw(query)}`.execute(db);
    if (rows.length > 0) problems.push(`${what}: ${rows.slice(0, 10).map((r) => r.id).join(', ')}${rows.length > 10 ? ` (+${rows.length - 10})` : ''}`);
  }
  return problems;
}

/** Counts by table, for the test's own accounting of what the run stored. */
export async function storedCounts(db: Kysely<Database>): Promise<{ titulos: number; certificados: number; documentos: number }> {
  const { rows } = await sql<{ titulos: number; certificados: number; documentos: number }>`
    SELECT (SELECT count(*)::int FROM titulo) AS titulos, (SELECT count(*)::int FROM mec_certificado) AS certificados,
           (SELECT count(*)::int FROM documento) AS documentos`.execute(db);
  return rows[0] as { titulos: number; certificados: number; documentos: number };
}
