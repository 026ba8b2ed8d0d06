/**
 * (d) The MEC ceiling: how many DEC 3.0 certificates per second ONE core gets through the project's
 * own intake and checks, with nothing else in the way (no HTTP, no database). The same definition
 * as the MET ceiling (bench/met-ceiling.ts), with checkDec in place of checkTitulo:
 *
 *   unpackUpload (yauzl, every zip safety check) → parseSafeXml → checkDec (every check, including
 *   rebuilding the cadena and verifying the sello; certificate from a warm CertificateCache)
 *
 * on the 1,000-certificate folio zip (50 subjects each), in one process pinned to one CPU, with the
 * same warm-up and repetition counts (bench/ceiling-support.ts). The registry (institution, campus,
 * its responsible e.firma, the plan) is in memory and every folioControl is free.
 *
 * For context the same process measures the stages on their own, the sealing the service adds to
 * each SATISFACTORIO certificate (decSealText: two RSA signatures, the two nodes written; not part of the
 * ceiling, as the MET ceiling stops at the checks too), and the raw primitives.
 *
 * Parent side: runMecCeiling() writes the zip and certificate to a temporary directory and runs this
 * file as `node mec-ceiling.js --child <dir>`; the child prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_AUTHORITY_OFFICIAL, loadAuthority } from '../src/authority/authority.js';
import { loadConfig } from '../src/config.js';
import { checkDec, DEFAULT_DEC_OPTIONS, type DecContext, type RegisteredSigner } from '../src/domain/certificados/check-dec.js';
import { decSealText } from '../src/domain/certificados/sep-nodes.js';
import { errorsOf, hasErrors } from '../src/domain/checks.js';
import { mexicoCityDateTimeText } from '../src/domain/dates.js';
import { CertificateCache } from '../src/domain/efirma/certificate-cache.js';
import { parseCertificate } from '../src/domain/efirma/certificate.js';
import { DEFAULT_INTAKE_LIMITS } from '../src/intake/limits.js';
import { unpackUpload } from '../src/intake/package.js';
import type { XmlElement } from '../src/intake/xml-tree.js';
import { parseSafeXml } from '../src/intake/xml.js';
import { DEFAULT_ENTIDAD, DEFAULT_ID_CAMPUS, DEFAULT_ID_NOMBRE_INSTITUCION } from '../test/support/dec-fixture.js';
import { rawYauzl, rsa2048SignPerSec, rsa2048VerifyPerSec, runPinnedChild, timedRuns } from './ceiling-support.js';
import { median, tempDir, type LoteZip } from './fixtures.js';
import { benchPlan } from './mec-fixtures.js';

export interface MecCeilingResult {
  readonly pinned: boolean;
  readonly certificados: number;
  readonly zipBytes: number;
  /** unpack + parse + checkDec, median docs/s. */
  readonly ceilingDocsPerSec: number;
  readonly ceilingRunsDocsPerSec: readonly number[];
  readonly stages: {
    readonly unpackFilesPerSec: number;
    readonly parseDocsPerSec: number;
    readonly checkDocsPerSec: number;
    /** decSealText (Dreoe + SepIpes, two RSA-2048 signatures, written as XML), as the service does per SATISFACTORIO. */
    readonly sealDocsPerSec: number;
  };
  readonly raw: { readonly rsa2048VerifyPerSec: number; readonly rsa2048SignPerSec: number; readonly yauzlUnzipFilesPerSec: number };
}

// ------------------------------------------------------------------------------ parent side

export async function runMecCeiling(folio: LoteZip, signerDer: Buffer, today: string): Promise<MecCeilingResult> {
  const dir = tempDir('mec-ceiling');
  try {
    writeFileSync(join(dir.path, 'folio.zip'), folio.zip);
    writeFileSync(join(dir.path, 'signer.cer'), signerDer);
    writeFileSync(join(dir.path, 'input.json'), JSON.stringify({ today }));
    return await runPinnedChild<Omit<MecCeilingResult, 'pinned'>>(fileURLToPath(import.meta.url), dir.path);
  } finally {
    dir.remove();
  }
}

// ------------------------------------------------------------------------------ measuring (child)

const limits = DEFAULT_INTAKE_LIMITS;

async function measure(dir: string): Promise<Omit<MecCeilingResult, 'pinned'>> {
  const zip = readFileSync(join(dir, 'folio.zip'));
  const signerDer = readFileSync(join(dir, 'signer.cer'));
  const { today } = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8')) as { today: string };

  // The registry the worker would load: the campus with its responsible e.firma, and the plan.
  const cert = parseCertificate(signerDer);
  const signer: RegisteredSigner = { id: '1', sha256: cert.sha256, numeroCertificado: cert.number ?? '', curp: cert.curp ?? '', nombre: cert.name ?? '', active: true };
  const plan = benchPlan();
  const context: DecContext = {
    today,
    institution: {
      idNombreInstitucion: DEFAULT_ID_NOMBRE_INSTITUCION,
      campuses: new Map([[DEFAULT_ID_CAMPUS, { idEntidadFederativa: DEFAULT_ENTIDAD, signer }]]),
    },
    plan: (idCarrera, clavePlan) => (idCarrera === plan.idCarrera && clavePlan === plan.clavePlan ? plan : undefined),
    certificates: new CertificateCache(),
    signersBySha256: new Map([[signer.sha256, signer]]),
    folioState: () => 'free',
    options: DEFAULT_DEC_OPTIONS,
  };

  const pipeline = async (): Promise<number> => {
    const unpacked = await unpackUpload('folio.zip', zip, limits);
    if (!unpacked.ok) throw new Error(`unpackUpload failed: ${unpacked.error.explanation}`);
    for (const entry of unpacked.entries) {
      const parsed = parseSafeXml(entry.bytes, limits.xml);
      if (!parsed.ok) throw new Error(`${entry.name}: ${parsed.error.explanation}`);
      const outcome = checkDec(parsed.root, context);
      if (hasErrors(outcome.checks)) throw new Error(`${entry.name}: ${JSON.stringify(errorsOf(outcome.checks)[0])}`);
    }
    return unpacked.entries.length;
  };
  const certificados = await pipeline();
  const ceilingRuns = await timedRuns(pipeline, certificados);

  // Stages on their own.
  const unpackRuns = await timedRuns(async () => {
    const unpacked = await unpackUpload('folio.zip', zip, limits);
    if (!unpacked.ok) throw new Error('unpack failed');
    return unpacked.entries.length;
  }, certificados);
  const unpacked = await unpackUpload('folio.zip', zip, limits);
  if (!unpacked.ok) throw new Error('unpack failed');
  const entries = unpacked.entries;
  const parseRuns = await timedRuns(async () => {
    for (const entry of entries) parseSafeXml(entry.bytes, limits.xml);
    return entries.length;
  }, certificados);
  const roots: XmlElement[] = entries.map((e) => {
    const parsed = parseSafeXml(e.bytes, limits.xml);
    if (!parsed.ok) throw new Error('parse failed');
    return parsed.root;
  });
  const checkRuns = await timedRuns(async () => {
    for (const root of roots) checkDec(root, context);
    return roots.length;
  }, certificados);

  // What the service adds per SATISFACTORIO certificate (certificados/prepare-dec.ts, DecPreparer).
  const authority = loadAuthority({ ...loadConfig({}).authority, official: DEFAULT_AUTHORITY_OFFICIAL });
  const sealRuns = await timedRuns(async () => {
    const stamp = mexicoCityDateTimeText(new Date());
    for (const root of roots) {
      decSealText(root, {
        fechaDreoe: stamp,
        fechaSepIpes: stamp,
        folioDigital: randomUUID(),
        official: authority.official,
        authority: { numeroCertificado: authority.numeroCertificado, privateKey: authority.privateKey },
      });
    }
    return roots.length;
  }, certificados);

  // Raw primitives.
  const verifyPerSec = rsa2048VerifyPerSec();
  const signPerSec = rsa2048SignPerSec();
  const yauzlRuns = await timedRuns(() => rawYauzl(zip), certificados);

  return {
    certificados,
    zipBytes: zip.length,
    ceilingDocsPerSec: median(ceilingRuns),
    ceilingRunsDocsPerSec: ceilingRuns.map(Math.round),
    stages: {
      unpackFilesPerSec: median(unpackRuns),
      parseDocsPerSec: median(parseRuns),
      checkDocsPerSec: median(checkRuns),
      sealDocsPerSec: median(sealRuns),
    },
    raw: { rsa2048VerifyPerSec: verifyPerSec, rsa2048SignPerSec: signPerSec, yauzlUnzipFilesPerSec: median(yauzlRuns) },
  };
}

if (process.argv[2] === '--child' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[3];
  if (!dir) throw new Error('usage: mec-ceiling.js --child <dir>');
  measure(dir).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`mec-ceiling: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
