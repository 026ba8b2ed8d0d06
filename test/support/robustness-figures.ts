/**
 * The robustness suite's published figures (README "Robustness", robustness/results.json).
 *
 * Each suite file (test/robustness/*.test.ts) records what it measured with recordFigures(); `npm run robustness` runs the
 * suite with ROBUSTNESS_OUT set to a directory and merges every file's record into
 * robustness/results.json. Under a plain `npm test` ROBUSTNESS_OUT is unset and nothing is written.
 * ROBUSTNESS_LONG=1 selects the long variant of every class (more fuzz cases, bigger bursts, more
 * crash runs); the fast variant is what `npm test` runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RobustnessFigures {
  /** Hostile inputs sent (archives, XML, SOAP envelopes, HTTP bodies). */
  attacksTried: number;
  /** …of which answered with the specific, documented refusal (never a crash, a 500 or a hang). */
  attacksRejected: number;
  /** Process crashes or 500s seen while attacking (must be 0). */
  crashes: number;
  fuzzCases: number;
  fuzzCrashes: number;
  /** The largest attack: time from request to refusal, and the service's peak RSS meanwhile. */
  largestAttackRejectMs: number;
  largestAttackPeakRssMb: number;
  /** Simultaneous uploads fired at one folio, attempts recorded for it, and the rule's limit. */
  burstConcurrent: number;
  burstAttemptsRecorded: number;
  attemptsAllowed: number;
  /** Kill-and-restart runs, and documents lost or processed twice across them (both must be 0). */
  crashRecoveryRuns: number;
  documentsLost: number;
  documentsDuplicated: number;
  /** Cross-institution probes made, and how many saw or changed what they must not. */
  isolationProbes: number;
  isolationLeaks: number;
}

/** Counts add up across files; the largest attack keeps the worst figure; a burst keeps the largest. */
export type FigureRecord = Partial<RobustnessFigures>;

export const LONG = process.env['ROBUSTNESS_LONG'] === '1';

/** Records one suite file's figures under `name` (one JSON file per name) when ROBUSTNESS_OUT is set. */
export function recordFigures(name: string, figures: FigureRecord): void {
  const out = process.env['ROBUSTNESS_OUT'];
  if (!out) return;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

const SUMMED: ReadonlyArray<keyof RobustnessFigures> = [
  'attacksTried',
  'attacksRejected',
  'crashes',
  'fuzzCases',
  'fuzzCrashes',
  'crashRecoveryRuns',
  'documentsLost',
  'documentsDuplicated',
  'isolationProbes',
  'isolationLeaks',
];

/** Merges the per-file records into the published figures (missing ones stay 0). */
export function mergeFigures(records: readonly FigureRecord[]): RobustnessFigures {
  const merged: RobustnessFigures = {
    attacksTried: 0,
    attacksRejected: 0,
    crashes: 0,
    fuzzCases: 0,
    fuzzCrashes: 0,
    largestAttackRejectMs: 0,
    largestAttackPeakRssMb: 0,
    burstConcurrent: 0,
    burstAttemptsRecorded: 0,
    attemptsAllowed: 0,
    crashRecoveryRuns: 0,
    documentsLost: 0,
    documentsDuplicated: 0,
    isolationProbes: 0,
    isolationLeaks: 0,
  };
  for (const record of records) {
    for (const key of SUMMED) merged[key] += record[key] ?? 0;
    if ((record.largestAttackRejectMs ?? 0) > merged.largestAttackRejectMs) {
      merged.largestAttackRejectMs = record.largestAttackRejectMs ?? 0;
      merged.largestAttackPeakRssMb = record.largestAttackPeakRssMb ?? 0;
    }
    if ((record.burstConcurrent ?? 0) > merged.burstConcurrent) {
      merged.burstConcurrent = record.burstConcurrent ?? 0;
      merged.burstAttemptsRecorded = record.burstAttemptsRecorded ?? 0;
      merged.attemptsAllowed = record.attemptsAllowed ?? 0;
    }
  }
  return merged;
}
