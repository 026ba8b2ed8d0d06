import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, EXIT } from '../cli-error.js';
import type { Connection } from '../connection.js';

/** `seed FILE`: posts a seed document, inlining every `cer` path as certificateBase64. */
export async function seed(connection: Connection, file: string): Promise<number> {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read seed file ${file}: ${(error as Error).message}`, EXIT.USAGE);
  }
  const baseDir = dirname(resolve(file));
  const inlined = JSON.parse(JSON.stringify(document), (key, value: unknown) => {
    if (key !== '' && value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { cer?: unknown }).cer === 'string') {
      const { cer, ...rest } = value as { cer: string };
      try {
        return { ...rest, certificateBase64: readFileSync(resolve(baseDir, cer)).toString('base64') };
      } catch (error) {
        throw new CliError(`cannot read certificate ${cer}: ${(error as Error).message}`, EXIT.USAGE);
      }
    }
    return value;
  }) as unknown;
  const summary = await connection.json<Record<string, number>>('/api/v1/admin/seed', {
    method: 'POST',
    auth: 'admin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(inlined),
  });
  console.log(`seeded: ${Object.entries(summary).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  return EXIT.OK;
}
