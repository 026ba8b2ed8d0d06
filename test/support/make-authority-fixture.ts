/**
 * Writes the emulated authority's e.firma into fixtures/authority/ (see fixtures/README.md): the
 * FIEL `.cer`/`.key` pair of a fictitious persona física who stands for the DGAIR official whose
 * seal the emulator puts on authenticated certificados (Dreoe/SepIpes) and títulos (Autenticacion).
 * It is issued by a new in-memory test CA whose private key is not saved. Every run makes new
 * keys, so both files change together.
 *
 *   npm run build && node dist/test/support/make-authority-fixture.js [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../../src/repo-path.js';
import { createTestCa, DEFAULT_PASSWORD, mintEfirma, type MintOptions } from './pki.js';

export const AUTHORITY_CER_FILE = 'autoridad.cer';
export const AUTHORITY_KEY_FILE = 'autoridad.key';
export const AUTHORITY_PASSWORD = DEFAULT_PASSWORD;
export const AUTHORITY_NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
export const AUTHORITY_NOT_AFTER = new Date('2035-12-31T23:59:59Z');

/**
 * A fictitious person (MENDOZA RIVAS, ELENA SOFIA, born 1978-04-12 in the Ciudad de México). RFC and
 * CURP follow the derivation rules: MERE = M(ENDOZA) + first inner vowel E + R(IVAS) + E(LENA);
 * inner consonants N, V, L; differentiator 0 (born before 2000); check digit computed by the
 * RENAPO algorithm (pki.ts curpCheckDigit gives 1).
 */
export const AUTHORITY_IDENTITY: Readonly<Required<Pick<MintOptions, 'name' | 'rfc' | 'curp' | 'number' | 'email'>>> = {
  name: 'ELENA SOFIA MENDOZA RIVAS',
  rfc: 'MERE780412QT4',
  curp: 'MERE780412MDFNVL01',
  number: '30001000000900000100',
  email: 'autoridad.dgair@metmec.test',
};

/** Mints and writes the authority files; returns the paths written. */
export function makeAuthorityFixture(outDir: string = repoPath('fixtures', 'authority')): string[] {
  mkdirSync(outDir, { recursive: true });
  const ca = createTestCa();
  const minted = mintEfirma({
    ...AUTHORITY_IDENTITY,
    kind: 'FIEL',
    persona: 'FISICA',
    notBefore: AUTHORITY_NOT_BEFORE,
    notAfter: AUTHORITY_NOT_AFTER,
    password: AUTHORITY_PASSWORD,
    freshKey: true,
    ca,
  });
  const written: string[] = [];
  for (const [name, bytes] of [
    [AUTHORITY_CER_FILE, minted.cerDer],
    [AUTHORITY_KEY_FILE, minted.keyDer],
  ] as const) {
    const path = join(outDir, name);
    writeFileSync(path, bytes);
    written.push(path);
  }
  return written;
}

const invokedAs = process.argv[1];
if (invokedAs !== undefined && import.meta.url === pathToFileURL(resolve(invokedAs)).href) {
  const outDir = process.argv[2];
  for (const path of makeAuthorityFixture(outDir === undefined ? undefined : resolve(outDir))) {
    console.log(`wrote ${path}`);
  }
}
