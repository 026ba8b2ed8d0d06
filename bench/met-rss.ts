/**
 * (c) Peak RSS of the service for one ~50 MB zip. The service runs alone in a fresh child process
 * (bench/met-service-child.ts); this process is only the SOAP client, so the client's own copies
 * of the 67 MB base64 envelope never count. One carga, consulta until processed, one descarga
 * (checked: every row ESTATUS 1), then the service reports `process.resourceUsage().maxRSS`.
 *
 * The zip is real: valid signed títulos, deflated, as many as it takes to reach the target size.
 * When that is more than the default METMEC_MAX_ZIP_ENTRIES, the limit is raised by configuration.
 *
 * With PGlite the database lives inside the service process, so its memory (shared buffers, WAL,
 * the in-memory data directory holding the lote and its results) is part of the figure; with
 * PostgreSQL it is not.
 */
import { DEFAULT_INTAKE_LIMITS } from '../src/intake/limits.js';
import type { MintedCredential } from '../test/support/pki.js';
import { folios, loteZip, round, runTag } from './fixtures.js';
import { verifyResults } from './met-e2e.js';
import { benchDatabase, metClient, startService, waitProcessed, type DatabaseKind, type ServiceMemory } from './service.js';

export interface RssOptions {
  readonly signer: MintedCredential;
  readonly today: string;
  readonly serverUrl: string | undefined;
  /** PGlite on memory:// instead of a data directory on disk. */
  readonly pgliteMemory: boolean;
  /** Zip size to reach, in bytes. */
  readonly targetZipBytes: number;
  /** Compressed bytes of one título in a zip (measured on the 1,000-título zip). */
  readonly bytesPerTitulo: number;
  readonly execArgv?: readonly string[];
  readonly log: (line: string) => void;
}

export interface RssResult {
  readonly database: DatabaseKind;
  readonly titulos: number;
  readonly zipBytes: number;
  readonly xmlBytes: number;
  readonly configEnv: Readonly<Record<string, string>>;
  /** maxRSS of the service process over its whole life (start-up, carga, processing, descarga). */
  readonly peakRssMb: number;
  /** maxRSS when the service was ready, before the upload. */
  readonly startupMaxRssMb: number;
  readonly startupRssMb: number;
  /** Highest RSS sampled (every 10 ms) from the upload to the end. */
  readonly sampledPeakRssMb: number;
  readonly after: ServiceMemory;
  readonly seconds: { readonly carga: number; readonly processed: number; readonly descarga: number };
}

export async function runRss(options: RssOptions): Promise<RssResult> {
  const { signer, today, log } = options;
  const titulos = Math.ceil(options.targetZipBytes / options.bytesPerTitulo);
  const fixtureStart = performance.now();
  const lote = await loteZip(signer, today, folios(`R${runTag()}`, titulos));
  const base64 = lote.zip.toString('base64');
  log(`  built ${titulos} títulos: zip ${mb(lote.zip.length)} MB (${mb(lote.xmlBytes)} MB of XML) in ${((performance.now() - fixtureStart) / 1000).toFixed(1)} s`);

  const configEnv: Record<string, string> = {};
  if (titulos > DEFAULT_INTAKE_LIMITS.maxEntries) configEnv['METMEC_MAX_ZIP_ENTRIES'] = String(titulos);
  if (lote.zip.length > DEFAULT_INTAKE_LIMITS.maxUploadBytes) configEnv['METMEC_MAX_UPLOAD_BYTES'] = String(lote.zip.length);
  if (Object.keys(configEnv).length > 0) log(`  raised intake limits: ${JSON.stringify(configEnv)}`);

  const database = await benchDatabase(options.serverUrl, options.pgliteMemory);
  log(`  database: ${database.description}`);
  try {
    const service = await startService({ database, signer, env: { ...configEnv, BENCH_SAMPLE_RSS: '1' }, execArgv: options.execArgv ?? [] });
    try {
      const client = await metClient(service.url);
      await service.memory(true); // reset the sampled peak: from here on is the lote
      const start = performance.now();
      const numeroLote = await client.carga('lote50mb.zip', base64);
      const cargaDone = performance.now();
      await waitProcessed(client, numeroLote, 20, 600_000);
      const processed = performance.now();
      const results = await client.descarga(numeroLote);
      const descargaDone = performance.now();
      const after = await service.memory();
      await verifyResults(results, numeroLote, lote);
      return {
        database: service.database,
        titulos,
        zipBytes: lote.zip.length,
        xmlBytes: lote.xmlBytes,
        configEnv,
        peakRssMb: round(after.maxRssMb, 1),
        startupMaxRssMb: round(service.startup.maxRssMb, 1),
        startupRssMb: round(service.startup.rssMb, 1),
        sampledPeakRssMb: round(after.sampledPeakRssMb, 1),
        after,
        seconds: {
          carga: round((cargaDone - start) / 1000, 2),
          processed: round((processed - start) / 1000, 2),
          descarga: round((descargaDone - start) / 1000, 2),
        },
      };
    } finally {
      await service.stop();
    }
  } finally {
    await database.drop();
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
