/**
 * Writes the demo e.firma fixtures into fixtures/demo/ (see fixtures/README.md): a test CA
 * certificate and two responsible signers' FIEL `.cer`/`.key` pairs issued by it. Every run makes a
 * new CA and new keys, so regenerate all files together. It never writes fixtures/demo/demo.json.
 *
 *   npm run build && node dist/test/support/make-demo-fixtures.js [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../../src/repo-path.js';
import { createTestCa, DEFAULT_PASSWORD, mintEfirma, type MintOptions } from './pki.js';

export interface DemoSigner {
  /** File stem: `<file>.cer` and `<file>.key`. */
  readonly file: string;
  readonly options: Readonly<Required<Pick<MintOptions, 'name' | 'rfc' | 'curp' | 'number' | 'email'>>>;
}

export const DEMO_CA_FILE = 'ac-pruebas.cer';
export const DEMO_PASSWORD = DEFAULT_PASSWORD;
export const DEMO_NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
export const DEMO_NOT_AFTER = new Date('2030-12-31T23:59:59Z');

export const DEMO_SIGNERS: readonly DemoSigner[] = [
  {
    file: 'responsable',
    options: {
      name: 'ROSA MARIA GARCIA LOPEZ',
      rfc: 'GALR800101AB1',
      curp: 'GALR800101MDFRPS09',
      number: '30001000000900000001',
      email: 'rosa.garcia@metmec.test',
    },
  },
  {
    // Ñ (and accents) in the name and Ñ in the RFC: written as T61String, like SAT does.
    file: 'responsable-n',
    options: {
      name: 'JOSÉ ÑANDÚ PEÑA',
      rfc: 'ÑAPJ850315K21',
      curp: 'XAPJ850315HOCNXS01',
      number: '30001000000900000002',
      email: 'jose.nandu@metmec.test',
    },
  },
];

/** Mints and writes the demo files; returns the paths written. */
export function makeDemoFixtures(outDir: string = repoPath('fixtures', 'demo')): string[] {
  mkdirSync(outDir, { recursive: true });
  const ca = createTestCa();
  const written: string[] = [];
  const write = (name: string, bytes: Buffer): void => {
    const path = join(outDir, name);
    writeFileSync(path, bytes);
    written.push(path);
  };
  write(DEMO_CA_FILE, ca.cerDer);
  for (const signer of DEMO_SIGNERS) {
    const minted = mintEfirma({
      ...signer.options,
      kind: 'FIEL',
      persona: 'FISICA',
      notBefore: DEMO_NOT_BEFORE,
      notAfter: DEMO_NOT_AFTER,
      password: DEMO_PASSWORD,
      freshKey: true,
      ca,
    });
    write(`${signer.file}.cer`, minted.cerDer);
    write(`${signer.file}.key`, minted.keyDer);
  }
  return written;
}

const invokedAs = process.argv[1];
if (invokedAs !== undefined && import.meta.url === pathToFileURL(resolve(invokedAs)).href) {
  const outDir = process.argv[2];
  for (const path of makeDemoFixtures(outDir === undefined ? undefined : resolve(outDir))) {
    console.log(`wrote ${path}`);
  }
}
