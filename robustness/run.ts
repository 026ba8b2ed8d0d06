/**
 * `npm run robustness`: runs the robustness suite (test/robustness) with ROBUSTNESS_OUT set, merges
 * the figures each file recorded, writes robustness/results.json and the README's "Robustness"
 * table, and prints them. ROBUSTNESS_LONG=1 runs the long variant. Exits 1 when a test failed or
 * when a figure that must be 0 (crashes, documents lost or duplicated, isolation leaks) is not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../src/repo-path.js';
import { mergeFigures, type FigureRecord, type RobustnessFigures } from '../test/support/robustness-figures.js';

const MUST_BE_ZERO: ReadonlyArray<keyof RobustnessFigures> = ['crashes', 'fuzzCrashes', 'documentsLost', 'documentsDuplicated', 'isolationLeaks'];

const ROWS: ReadonlyArray<[string, (f: RobustnessFigures) => string]> = [
  ['Hostile inputs tried / rejected with their specific error', (f) => `${f.attacksTried} / ${f.attacksRejected}`],
  ['Crashes or 500s while attacking', (f) => String(f.crashes)],
  ['Fuzz cases run / crashes', (f) => `${f.fuzzCases} / ${f.fuzzCrashes}`],
  ['Largest attack: rejected after / peak RSS', (f) => `${f.largestAttackRejectMs} ms / ${f.largestAttackPeakRssMb} MB`],
  ['Burst at one folio: simultaneous uploads / attempts recorded (allowed)', (f) => `${f.burstConcurrent} / ${f.burstAttemptsRecorded} (${f.attemptsAllowed})`],
  ['Crash-recovery runs / documents lost / processed twice', (f) => `${f.crashRecoveryRuns} / ${f.documentsLost} / ${f.documentsDuplicated}`],
  ['Isolation probes / leaks', (f) => `${f.isolationProbes} / ${f.isolationLeaks}`],
];

function readme(figures: RobustnessFigures, variant: string, database: string): string {
  const lines = [
    `Measured by \`npm run robustness\` (${variant} variant, ${database}); the same figures are in [\`robustness/results.json\`](robustness/results.json).`,
    '',
    '| | |',
    '|---|---|',
    ...ROWS.map(([label, value]) => `| ${label} | ${value(figures)} |`),
  ];
  return lines.join('\n');
}

function main(): number {
  const out = mkdtempSync(join(tmpdir(), 'metmec-robustness-'));
  try {
    // The suite's files only: helpers and child-process scripts beside them are not tests.
    const files = readdirSync(repoPath('test', 'robustness'))
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => join('test', 'robustness', name));
    // The long variant runs several times the cases, kills and restarts of the fast one: no per-file timeout.
    const timeout = process.env['ROBUSTNESS_LONG'] === '1' ? ['--timeout=0'] : [];
    const run = spawnSync('npx', ['tap', ...timeout, ...files], { cwd: repoPath(), stdio: 'inherit', env: { ...process.env, ROBUSTNESS_OUT: out } });
    const records = readdirSync(out)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(out, name), 'utf8')) as FigureRecord);
    const figures = mergeFigures(records);
    writeFileSync(repoPath('robustness', 'results.json'), `${JSON.stringify(figures, null, 2)}\n`);

    const variant = process.env['ROBUSTNESS_LONG'] === '1' ? 'long' : 'fast';
    const database = process.env['DATABASE_URL'] ? 'PostgreSQL' : 'PGlite';
    const readmePath = repoPath('README.md');
    const text = readFileSync(readmePath, 'utf8');
    const start = '<!-- robustness:start -->';
    const end = '<!-- robustness:end -->';
    if (text.includes(start) && text.includes(end)) {
      const before = text.slice(0, text.indexOf(start) + start.length);
      const after = text.slice(text.indexOf(end));
      writeFileSync(readmePath, `${before}\n${readme(figures, variant, database)}\n${after}`);
    }

    console.log(`\nrobustness figures (${variant} variant, ${database}, from ${records.length} suite file(s)):`);
    for (const [label, value] of ROWS) console.log(`  ${label}: ${value(figures)}`);
    const nonZero = MUST_BE_ZERO.filter((key) => figures[key] !== 0);
    if (nonZero.length > 0) console.error(`must be 0: ${nonZero.map((key) => `${key} = ${figures[key]}`).join(', ')}`);
    return run.status === 0 && nonZero.length === 0 ? 0 : 1;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

process.exitCode = main();
