import { EXIT } from '../cli-error.js';
import { serviceError, type Connection } from '../connection.js';
import { readInput } from '../input.js';

interface RowError {
  sheet: string;
  row: number;
  column?: string;
  code: string;
  expected?: string;
  found?: string;
  message: string;
}

interface Imported {
  added: number;
  replaced: number;
  unchanged: number;
  summary: { plans: number; carreras: number; asignaturas: number; ignoredSheets: string[] };
}

/**
 * `plan import FILE --cve-institucion C` (admin): the "Programa de Estudios" layout as .xlsx or
 * JSON (docs/plan-layout.md). All rows or none: when any row is wrong, every problem is printed.
 */
export async function planImport(connection: Connection, file: string, cveInstitucion: string): Promise<number> {
  // Sent as bytes either way: the service tells an .xlsx from JSON by content, and raw bodies get the 10 MiB cap.
  const contentType = file.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/octet-stream';
  const response = await connection.request(`/api/v1/admin/institutions/${cveInstitucion}/planes`, {
    method: 'POST',
    auth: 'admin',
    headers: { 'content-type': contentType },
    body: readInput(file),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string; errors?: RowError[]; total?: number } };
  if (response.status === 422 && body.error?.code === 'PLAN_IMPORT') {
    console.log(`${file}: ${body.error.message ?? 'not imported'}`);
    for (const e of body.error.errors ?? []) console.log(`  ${rowErrorText(e)}`);
    const total = body.error.total ?? 0;
    const shown = body.error.errors?.length ?? 0;
    if (total > shown) console.log(`  … and ${total - shown} more`);
    return EXIT.PROBLEMS;
  }
  if (!response.ok) throw serviceError(response, body);
  const { added, replaced, unchanged, summary } = body as Imported;
  console.log(`${file}: ${added} plan(s) added, ${replaced} replaced, ${unchanged} unchanged (${summary.carreras} carrera(s), ${summary.asignaturas} asignatura(s))`);
  if (summary.ignoredSheets.length > 0) console.log(`  ignored sheets: ${summary.ignoredSheets.join(', ')}`);
  return EXIT.OK;
}

function rowErrorText(e: RowError): string {
  const where = [e.sheet || 'file', e.row > 0 ? `row ${e.row}` : '', e.column ?? ''].filter(Boolean).join(' ');
  const values = [e.expected !== undefined ? `expected ${JSON.stringify(e.expected)}` : '', e.found !== undefined ? `found ${JSON.stringify(e.found)}` : ''].filter(Boolean);
  return `${e.code} at ${where}: ${e.message}${values.length ? ` (${values.join(', ')})` : ''}`;
}
