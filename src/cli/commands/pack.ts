import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import yazl from 'yazl';
import { CliError, EXIT } from '../cli-error.js';

/** `pack DIR [--out lote.zip]`: zips the *.xml files of DIR flat, as SEP expects. */
export async function pack(dir: string, out: string | undefined): Promise<string> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.xml') && statSync(join(dir, n)).isFile()).sort();
  } catch (error) {
    throw new CliError(`cannot read directory ${dir}: ${(error as Error).message}`, EXIT.USAGE);
  }
  if (names.length === 0) throw new CliError(`${dir} holds no .xml files`, EXIT.USAGE);
  const target = resolve(out ?? `${basename(resolve(dir))}.zip`);
  const zip = new yazl.ZipFile();
  for (const name of names) zip.addBuffer(readFileSync(join(dir, name)), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  writeFileSync(target, Buffer.concat(chunks));
  console.log(`${target}: ${names.length} XML file(s)`);
  return target;
}
