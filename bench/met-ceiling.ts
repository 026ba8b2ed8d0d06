/**
 * (a) The ceiling: how many títulos per second ONE core gets through the project's own intake and
 * checks, with nothing else in the way (no HTTP, no database):
 *
 *   unpackUpload (yauzl, every zip safety check) → parseSafeXml → checkTitulo (every check,
 *   including rebuilding the cadena and verifying the sello; certificate from a warm CertificateCache)
 *
 * on a 1,000-título zip, in one process pinned to one CPU (`taskset -c 0` when available, so even
 * zlib's threadpool shares that core). Warm-up repetitions, then the median of the measured ones.
 *
 * For context the same process measures the machine's raw primitives (RSA-2048 verify with
 * node:crypto, raw yauzl unzip) and the stages of the pipeline on their own.
 *
 * Parent side: runCeiling() writes the zip and certificate to a temporary directory and runs this
 * file as `node met-ceiling.js --child <dir>`; the child prints one JSON line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorsOf, hasErrors } from '../src/domain/checks.js';
import { CertificateCache } from '../src/domain/efirma/certificate-cache.js';
import { parseCertificate } from '../src/domain/efirma/certificate.js';
import { checkTitulo, type TituloContext } from '../src/domain/titulos/check-titulo.js';
import { DEFAULT_INTAKE_LIMITS } from '../src/intake/limits.js';
import { parseSafeXml } from '../src/intake/xml.js';
import type { XmlElement } from '../src/intake/xml-tree.js';
import { indexUpload, unpackUpload } from '../src/intake/package.js';
import { loteExecutor, preparedChunks } from '../src/jobs/lote-pipeline.js';
import { TituloCompleter } from '../src/titulos/prepare-titulo.js';
import { rawYauzl, rsa2048VerifyPerSec, runPinnedChild, timedRuns } from './ceiling-support.js';
import { BENCH_CVE_INSTITUCION, median, tempDir, type LoteZip } from './fixtures.js';

export interface CeilingResult {
  readonly pinned: boolean;
  readonly titulos: number;
  readonly zipBytes: number;
  /** unpack + parse + checkTitulo, median docs/s. */
  readonly ceilingDocsPerSec: number;
  readonly ceilingRunsDocsPerSec: readonly number[];
  /** The same through evaluateLote (in-memory registry lookups), median docs/s. */
  readonly evaluateLoteDocsPerSec: number;
  readonly stages: { readonly unpackFilesPerSec: number; readonly parseDocsPerSec: number; readonly checkDocsPerSec: number };
  readonly raw: { readonly rsa2048VerifyPerSec: number; readonly yauzlUnzipFilesPerSec: number };
}

// ------------------------------------------------------------------------------ parent side

export async function runCeiling(lote: LoteZip, signerDer: Buffer, today: string): Promise<CeilingResult> {
  const dir = tempDir('ceiling');
  try {
    writeFileSync(join(dir.path, 'lote.zip'), lote.zip);
    writeFileSync(join(dir.path, 'signer.cer'), signerDer);
    writeFileSync(join(dir.path, 'input.json'), JSON.stringify({ today }));
    return await runPinnedChild<Omit<CeilingResult, 'pinned'>>(fileURLToPath(import.meta.url), dir.path);
  } finally {
    dir.remove();
  }
}

// ------------------------------------------------------------------------------ measuring (child)

const limits = DEFAULT_INTAKE_LIMITS;

async function measure(dir: string): Promise<Omit<CeilingResult, 'pinned'>> {
  const zip = readFileSync(join(dir, 'lote.zip'));
  const signerDer = readFileSync(join(dir, 'signer.cer'));
  const { today } = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8')) as { today: string };

  // The registry row the worker would load for the institution's signer.
  const cert = parseCertificate(signerDer);
  const signersBySha256 = new Map([
    [cert.sha256, { id: '1', sha256: cert.sha256, numeroCertificado: cert.number ?? '', curp: cert.curp ?? '', nombre: cert.name ?? '', active: true }],
  ]);
  const certificates = new CertificateCache();
  const context: TituloContext = {
    today,
    cveInstitucion: BENCH_CVE_INSTITUCION,
    signersBySha256,
    authorityCertificates: new Map(),
    renapo: null, // METMEC_RENAPO defaults to false, as in the service
    cadenaEscapeXml: false,
    certificates,
    folioState: () => 'free',
  };

  // The pipeline, exactly as evaluateLote strings it together (minus the registry queries).
  const pipeline = async (): Promise<number> => {
    const unpacked = await unpackUpload('lote.zip', zip, limits);
    if (!unpacked.ok) throw new Error(`unpackUpload failed: ${unpacked.error.explanation}`);
    for (const entry of unpacked.entries) {
      const parsed = parseSafeXml(entry.bytes, limits.xml);
      if (!parsed.ok) throw new Error(`${entry.name}: ${parsed.error.explanation}`);
      const outcome = checkTitulo(parsed.root, context);
      if (hasErrors(outcome.checks)) throw new Error(`${entry.name}: ${JSON.stringify(errorsOf(outcome.checks)[0])}`);
    }
    return unpacked.entries.length;
  };
  const titulos = await pipeline();
  const ceilingRuns = await timedRuns(pipeline, titulos);

  // The service's own path on one thread: the upload indexed, its files prepared chunk by chunk
  // (inflate, parse, the document's own checks), then completed in order (RENAPO off, no folio registered).
  const viaEvaluateLote = async (): Promise<number> => {
    const files = await indexUpload('lote.zip', zip, limits);
    if (files === null) throw new Error('indexUpload refused the zip');
    const facts = { today, cveInstitucion: BENCH_CVE_INSTITUCION, xmlLimits: limits.xml, cadenaEscapeXml: false, signersBySha256, authorityCertificates: new Map() };
    const { executor, ahead } = loteExecutor(null, { kind: 'titulos', facts }, limits, certificates);
    const completer = new TituloCompleter(false);
    let count = 0;
    for await (const chunk of preparedChunks(files, zip, executor, ahead)) {
      const questions = completer.questions(chunk.prepared);
      completer.learn(questions, { registeredFolios: [], renapo: new Map() });
      const documents = chunk.prepared.map((p, i) => completer.complete(p, chunk.files[i]!, chunk.start + i));
      const rejected = documents.filter((d) => d.estatus !== 1);
      if (rejected.length > 0) throw new Error(`the pipeline rejected ${rejected.length}: ${rejected[0]?.descripcion}`);
      count += documents.length;
    }
    return count;
  };
  const evaluateRuns = await timedRuns(viaEvaluateLote, titulos);

  // Stages on their own.
  const unpackRuns = await timedRuns(async () => {
    const unpacked = await unpackUpload('lote.zip', zip, limits);
    if (!unpacked.ok) throw new Error('unpack failed');
    return unpacked.entries.length;
  }, titulos);
  const unpacked = await unpackUpload('lote.zip', zip, limits);
  if (!unpacked.ok) throw new Error('unpack failed');
  const entries = unpacked.entries;
  const parseRuns = await timedRuns(async () => {
    for (const entry of entries) parseSafeXml(entry.bytes, limits.xml);
    return entries.length;
  }, titulos);
  const roots: XmlElement[] = entries.map((e) => {
    const parsed = parseSafeXml(e.bytes, limits.xml);
    if (!parsed.ok) throw new Error('parse failed');
    return parsed.root;
  });
  const checkRuns = await timedRuns(async () => {
    for (const root of roots) checkTitulo(root, context);
    return roots.length;
  }, titulos);

  // Raw primitives.
  const verifyPerSec = rsa2048VerifyPerSec();
  const yauzlRuns = await timedRuns(() => rawYauzl(zip), titulos);

  return {
    titulos,
    zipBytes: zip.length,
    ceilingDocsPerSec: median(ceilingRuns),
    ceilingRunsDocsPerSec: ceilingRuns.map(Math.round),
    evaluateLoteDocsPerSec: median(evaluateRuns),
    stages: { unpackFilesPerSec: median(unpackRuns), parseDocsPerSec: median(parseRuns), checkDocsPerSec: median(checkRuns) },
    raw: { rsa2048VerifyPerSec: verifyPerSec, yauzlUnzipFilesPerSec: median(yauzlRuns) },
  };
}

if (process.argv[2] === '--child' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[3];
  if (!dir) throw new Error('usage: met-ceiling.js --child <dir>');
  measure(dir).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`met-ceiling: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
