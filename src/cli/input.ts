import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError, EXIT } from './cli-error.js';

/** A file named on the command line; one that cannot be read is a usage error. */
export function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

/** A zip or one XML to upload (lote or folio upload), typed by its extension and named as on disk. */
export function uploadOf(file: string): { bytes: Buffer; contentType: string; nombreArchivo: string } {
  const contentType = file.toLowerCase().endsWith('.xml') ? 'application/xml' : 'application/zip';
  return { bytes: readInput(file), contentType, nombreArchivo: basename(file) };
}
