/**
 * `npm run bench`: the MET and MEC throughput and memory figures from one run on one machine.
 *
 *   MET (títulos)
 *   (a) ceiling   unzip + parse + cadena + verify, one core, in-process (bench/met-ceiling.ts)
 *   (b) e2e       a 1,000-título lote over SOAP, carga → descarga (bench/met-e2e.ts)
 *   (c) RSS       peak RSS of the service for one ~50 MB zip (bench/met-rss.ts)
 *   MEC (certificados)
 *   (d) ceiling   the same as (a) for 1,000 DEC 3.0 of 50 subjects each (bench/mec-ceiling.ts)
 *   (e) e2e       that folio uploaded over REST until every certificate is SATISFACTORIO (bench/mec-e2e.ts)
 *
 * PGlite by default; DATABASE_URL=postgres://… runs (b), (c) and (e) on a throwaway database created
 * on that server. Prints every figure with the targets (PASS/MISS, never a non-zero exit for a MISS)
 * and merges `{ met: {...} }` and `{ mec: {...} }` (each only when one of its parts ran) into
 * bench/results.json. See bench/README.md.
 *
 * Knobs (environment): BENCH_REPS (7), BENCH_POLL_MS (10), BENCH_RSS_MB (50), BENCH_ONLY
 * (comma list of ceiling,e2e,rss,mec-ceiling,mec-e2e; mec = both MEC parts), BENCH_PGLITE=memory
 * (memory:// instead of a data directory), BENCH_CPU_PROF_DIR (a --cpu-prof profile of the service
 * process), METMEC_LOG_LEVEL (info).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { repoPath } from '../src/repo-path.js';
import { benchToday, folios, loteZip, mintSigner, round, runTag } from './fixtures.js';
import { runMecCeiling, type MecCeilingResult } from './mec-ceiling.js';
import { runMecE2e, type MecE2eResult } from './mec-e2e.js';
import { benchPlan, folioZip, MEC_SUBJECTS } from './mec-fixtures.js';
import { runCeiling, type CeilingResult } from './met-ceiling.js';
import { soapClientKind } from './soap-client.js';
import { runE2e, type E2eResult } from './met-e2e.js';
import { runRss, type RssResult } from './met-rss.js';

const TARGETS = { ratio: 0.5, lote1000Seconds: 1, peakRssMb: 300, mecRatio: 0.5 } as const;
const PARTS = ['ceiling', 'e2e', 'rss', 'mec-ceiling', 'mec-e2e'] as const;
type Part = (typeof PARTS)[number];
const RESULTS_FILE = repoPath('bench', 'results.json');

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, found ${JSON.stringify(raw)}`);
  return value;
}

const log = (line: string): void => console.log(line);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const serverUrl = process.env['DATABASE_URL'] || undefined;
  const repetitions = Math.max(1, Math.round(numberEnv('BENCH_REPS', 7)));
  const pollMs = numberEnv('BENCH_POLL_MS', 10);
  const rssTargetBytes = numberEnv('BENCH_RSS_MB', 50) * 1e6;
  const only = selectedParts(process.env['BENCH_ONLY']);
  const runsMet = only.has('ceiling') || only.has('e2e') || only.has('rss');
  const runsMec = only.has('mec-ceiling') || only.has('mec-e2e');
  const profDir = process.env['BENCH_CPU_PROF_DIR'];
  const pgliteMemory = process.env['BENCH_PGLITE'] === 'memory';
  const execArgv = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const started = performance.now();

  const cpu = cpus();
  log(`metmec benchmark — node ${process.version}, ${cpu.length} CPU(s) ${cpu[0]?.model ?? ''}, ${Math.round(totalmem() / 2 ** 30)} GiB; parts: ${[...only].join(', ')}`);
  log(
    `database for (b), (c) and (e): ${serverUrl ? `PostgreSQL (a throwaway database on ${redact(serverUrl)})` : `PGlite inside the service process (${pgliteMemory ? 'memory://' : 'a fresh data directory on disk'})`}`,
  );

  // Fixtures, outside every timed section.
  const today = benchToday();
  const signer = mintSigner();
  const lote1000 = runsMet ? await loteZip(signer, today, folios(`C${runTag()}`, 1000)) : undefined;
  if (lote1000) {
    log(`fixture: 1,000 títulos, zip ${(lote1000.zip.length / 1e6).toFixed(2)} MB (${(lote1000.xmlBytes / 1e6).toFixed(2)} MB of XML), one signer`);
  }

  let ceiling: CeilingResult | undefined;
  if (lote1000 && only.has('ceiling')) {
    log('\n(a) ceiling: unpackUpload + parseSafeXml + checkTitulo, one core, certificate cached');
    ceiling = await runCeiling(lote1000, signer.cerDer, today);
    log(`  ${ceiling.pinned ? 'pinned to CPU 0 (taskset -c 0)' : 'NOT pinned (taskset unavailable): zlib may use a second core'}`);
    log(`  raw primitives: RSA-2048 verify (node:crypto) ${fmt(ceiling.raw.rsa2048VerifyPerSec)}/s; raw yauzl unzip ${fmt(ceiling.raw.yauzlUnzipFilesPerSec)} files/s`);
    log(`  stages alone:   unpackUpload ${fmt(ceiling.stages.unpackFilesPerSec)} files/s; parseSafeXml ${fmt(ceiling.stages.parseDocsPerSec)} docs/s; checkTitulo ${fmt(ceiling.stages.checkDocsPerSec)} docs/s`);
    log(`  ceiling:        ${fmt(ceiling.ceilingDocsPerSec)} docs/s (median of ${ceiling.ceilingRunsDocsPerSec.length}: ${ceiling.ceilingRunsDocsPerSec.join(', ')})`);
    log(`                  = ${pct(ceiling.ceilingDocsPerSec / ceiling.raw.rsa2048VerifyPerSec)} of raw RSA verify, ${pct(ceiling.ceilingDocsPerSec / ceiling.raw.yauzlUnzipFilesPerSec)} of raw yauzl unzip`);
    log(`  via the service path on one thread (indexUpload + prepared chunks + TituloCompleter, in-memory registry): ${fmt(ceiling.evaluateLoteDocsPerSec)} docs/s`);
  }

  let e2e: E2eResult | undefined;
  if (only.has('e2e')) {
    log(`\n(b) end to end: 1,000-título lote over SOAP, carga → descarga, ${repetitions} repetitions, consulta every ${pollMs} ms, ${soapClientKind()} SOAP client`);
    e2e = await runE2e({ signer, today, serverUrl, pgliteMemory, titulos: 1000, repetitions, pollMs, execArgv, log });
    log(`  e2e: ${fmt(e2e.docsPerSec)} docs/s; lote1000Seconds ${e2e.lote1000Seconds.toFixed(3)} s (median) on ${e2e.database}; every result row checked: ESTATUS 1`);
    const p = e2e.phasesMs;
    log(
      `  where the time goes (median ms): upload ${p.upload}, claim ${p.claim}, evaluate ${p.evaluate}, store ${p.store}, ` +
        `detect ${p.detect}, descarga ${p.descarga}`,
    );
  }

  let rss: RssResult | undefined;
  if (lote1000 && only.has('rss')) {
    log(`\n(c) peak RSS of the service process for one ~${round(rssTargetBytes / 1e6)} MB zip`);
    rss = await runRss({ signer, today, serverUrl, pgliteMemory, targetZipBytes: rssTargetBytes, bytesPerTitulo: lote1000.zip.length / 1000, execArgv, log });
    log(
      `  ${rss.titulos} títulos, zip ${(rss.zipBytes / 1e6).toFixed(1)} MB: carga answered ${rss.seconds.carga} s, processed seen ${rss.seconds.processed} s, descarga ${rss.seconds.descarga} s; every row ESTATUS 1`,
    );
    log(
      `  peak RSS (maxRSS) ${rss.peakRssMb} MB on ${rss.database} (VmHWM ${rss.after.vmHwmMb === null ? '?' : round(rss.after.vmHwmMb, 1)} MB); ` +
        `at start-up: RSS ${rss.startupRssMb} MB, maxRSS ${rss.startupMaxRssMb} MB; sampled peak during the lote ${rss.sampledPeakRssMb} MB`,
    );
    log(`  at the end: RSS ${round(rss.after.rssMb)} MB, JS heap used ${round(rss.after.heapUsedMb)} MB, external ${round(rss.after.externalMb)} MB`);
    if (rss.database === 'pglite') {
      log('  note: PGlite runs inside the service process: its WASM memory (shared buffers, catalog, and with memory:// the whole database) is part of these figures');
    }
  }

  let mecCeiling: MecCeilingResult | undefined;
  if (only.has('mec-ceiling')) {
    const folio1000 = await folioZip(signer, benchPlan(), today, folios(`D${runTag()}`, 1000));
    log(
      `\nMEC fixture: 1,000 DEC 3.0 × ${MEC_SUBJECTS} subjects, zip ${(folio1000.zip.length / 1e6).toFixed(2)} MB (${(folio1000.xmlBytes / 1e6).toFixed(2)} MB of XML), ` +
        "one signer (the campus's responsible e.firma)",
    );
    log('(d) MEC ceiling: unpackUpload + parseSafeXml + checkDec, one core, certificate cached');
    mecCeiling = await runMecCeiling(folio1000, signer.cerDer, today);
    const m = mecCeiling;
    log(`  ${m.pinned ? 'pinned to CPU 0 (taskset -c 0)' : 'NOT pinned (taskset unavailable): zlib may use a second core'}`);
    log(
      `  raw primitives: RSA-2048 verify ${fmt(m.raw.rsa2048VerifyPerSec)}/s, sign ${fmt(m.raw.rsa2048SignPerSec)}/s (node:crypto); ` +
        `raw yauzl unzip ${fmt(m.raw.yauzlUnzipFilesPerSec)} files/s`,
    );
    log(`  stages alone:   unpackUpload ${fmt(m.stages.unpackFilesPerSec)} files/s; parseSafeXml ${fmt(m.stages.parseDocsPerSec)} docs/s; checkDec ${fmt(m.stages.checkDocsPerSec)} docs/s`);
    log(`  ceiling:        ${fmt(m.ceilingDocsPerSec)} docs/s (median of ${m.ceilingRunsDocsPerSec.length}: ${m.ceilingRunsDocsPerSec.join(', ')})`);
    log(
      `  not in the ceiling: sealing a SATISFACTORIO (two RSA signatures, Dreoe and SepIpes written) ${fmt(m.stages.sealDocsPerSec)} docs/s; ` +
        `ceiling then sealing on one core ${fmt(inSeries(m.ceilingDocsPerSec, m.stages.sealDocsPerSec))} docs/s`,
    );
  }

  let mecE2e: MecE2eResult | undefined;
  if (only.has('mec-e2e')) {
    log(`\n(e) MEC end to end: a 1,000-certificate folio over REST, upload → every certificate SATISFACTORIO, ${repetitions} repetitions, GET every ${pollMs} ms`);
    mecE2e = await runMecE2e({ signer, today, serverUrl, pgliteMemory, certificados: 1000, repetitions, pollMs, execArgv, log });
    log(`  e2e: ${fmt(mecE2e.docsPerSec)} docs/s; folio1000Seconds ${mecE2e.folio1000Seconds.toFixed(3)} s (median) on ${mecE2e.database}; every certificate checked: SATISFACTORIO`);
    const p = mecE2e.phasesMs;
    log(`  where the time goes (median ms): upload ${p.upload}, claim ${p.claim}, process ${p.process}, commit ${p.commit}, detect ${p.detect}, results ${p.results}`);
  }

  const ratio = ceiling && e2e ? e2e.docsPerSec / ceiling.ceilingDocsPerSec : undefined;
  const mecRatio = mecCeiling && mecE2e ? mecE2e.docsPerSec / mecCeiling.ceilingDocsPerSec : undefined;
  log('\nsummary');
  if (ceiling) log(`  (a) ceiling           ${fmt(ceiling.ceilingDocsPerSec)} docs/s (one core)`);
  if (e2e) log(`  (b) end to end        ${fmt(e2e.docsPerSec)} docs/s (${e2e.database})`);
  if (ratio !== undefined) log(`  ratio b/a             ${ratio.toFixed(2)}   target ≥ ${TARGETS.ratio}  ${ratio >= TARGETS.ratio ? 'PASS' : 'MISS'}`);
  if (e2e) log(`  lote1000Seconds       ${e2e.lote1000Seconds.toFixed(3)} s target ≤ ${TARGETS.lote1000Seconds} s  ${e2e.lote1000Seconds <= TARGETS.lote1000Seconds ? 'PASS' : 'MISS'}`);
  if (rss) log(`  peak RSS, 50 MB zip   ${rss.peakRssMb} MB target ≤ ${TARGETS.peakRssMb} MB  ${rss.peakRssMb <= TARGETS.peakRssMb ? 'PASS' : 'MISS'}`);
  if (mecCeiling) log(`  (d) MEC ceiling       ${fmt(mecCeiling.ceilingDocsPerSec)} docs/s (one core)`);
  if (mecE2e) log(`  (e) MEC end to end    ${fmt(mecE2e.docsPerSec)} docs/s (${mecE2e.database}); folio1000Seconds ${mecE2e.folio1000Seconds.toFixed(3)} s`);
  if (mecRatio !== undefined) log(`  MEC ratio e/d         ${mecRatio.toFixed(2)}   target ≥ ${TARGETS.mecRatio}  ${mecRatio >= TARGETS.mecRatio ? 'PASS' : 'MISS'}`);
  log(`  (targets are for 2 cores; this machine has ${cpu.length})`);

  const database = (kind: string | undefined): string => kind ?? (serverUrl ? 'postgres' : 'pglite');
  const blocks: Record<string, Record<string, unknown>> = {};
  if (runsMet) {
    blocks['met'] = {
      ceilingDocsPerSec: ceiling ? Math.round(ceiling.ceilingDocsPerSec) : null,
      e2eDocsPerSec: e2e ? Math.round(e2e.docsPerSec) : null,
      ratio: ratio === undefined ? null : round(ratio, 3),
      lote1000Seconds: e2e ? e2e.lote1000Seconds : null,
      peakRssMb50MbZip: rss ? rss.peakRssMb : null,
      database: database(e2e?.database ?? rss?.database),
    };
  }
  if (runsMec) {
    blocks['mec'] = {
      ceilingDocsPerSec: mecCeiling ? Math.round(mecCeiling.ceilingDocsPerSec) : null,
      e2eDocsPerSec: mecE2e ? Math.round(mecE2e.docsPerSec) : null,
      ratio: mecRatio === undefined ? null : round(mecRatio, 3),
      folio1000Seconds: mecE2e ? mecE2e.folio1000Seconds : null,
      database: database(mecE2e?.database),
    };
  }
  writeResults(blocks);
  const keys = Object.keys(blocks).map((k) => `"${k}"`).join(' and ');
  log(`\nwrote ${RESULTS_FILE} (key ${keys}) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** BENCH_ONLY as a set of parts (`mec` = both MEC parts); unset means every part. */
function selectedParts(raw: string | undefined): Set<Part> {
  const names = (raw || PARTS.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const parts = new Set<Part>();
  for (const name of names) {
    if (name === 'mec') {
      parts.add('mec-ceiling').add('mec-e2e');
    } else if ((PARTS as readonly string[]).includes(name)) {
      parts.add(name as Part);
    } else {
      throw new Error(`BENCH_ONLY: unknown part ${JSON.stringify(name)} (expected a comma list of ${PARTS.join(', ')}, mec)`);
    }
  }
  return parts;
}

/** Documents per second of two stages run one after the other on one core. */
function inSeries(aPerSec: number, bPerSec: number): number {
  return 1 / (1 / aPerSec + 1 / bPerSec);
}

/** Merges the given blocks into results.json, keeping every other top-level key. */
function writeResults(blocks: Record<string, Record<string, unknown>>): void {
  let existing: Record<string, unknown> = {};
  if (existsSync(RESULTS_FILE)) {
    const parsed: unknown = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) existing = parsed as Record<string, unknown>;
  }
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...existing, ...blocks }, null, 2)}\n`);
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return `${parsed.host}`;
  } catch {
    return '(unparsable url)';
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nbenchmark FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
