/**
 * What the two ceilings (bench/met-ceiling.ts, bench/mec-ceiling.ts) share, so both mean the same
 * thing: one measuring process pinned to one CPU, the same warm-up and repetition counts, and the
 * same raw primitives for context.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import yauzl from 'yauzl';
import { median } from './fixtures.js';

export const WARMUP_RUNS = 3;
export const MEASURED_RUNS = 15;

/**
 * Runs `node <script> --child <dir>` pinned to CPU 0 (`taskset -c 0` when available, so even zlib's
 * threadpool shares that core) and returns the JSON object on the last line it prints.
 */
export async function runPinnedChild<T>(script: string, dir: string): Promise<T & { pinned: boolean }> {
  const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const [command, args] = pinned ? ['taskset', ['-c', '0', process.execPath, script, '--child', dir]] : [process.execPath, [script, '--child', dir]];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(command, args as string[], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (text += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the ceiling process ${script} exited with code ${code}`))));
  });
  const last = output.trim().split('\n').at(-1) ?? '';
  return { ...(JSON.parse(last) as T), pinned };
}

/** Per-run rates (items/s) of `run` after WARMUP_RUNS unmeasured runs. */
export async function timedRuns(run: () => Promise<number>, expected: number): Promise<number[]> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const rates: number[] = [];
  for (let i = 0; i < MEASURED_RUNS; i++) {
    const start = performance.now();
    const n = await run();
    const seconds = (performance.now() - start) / 1000;
    if (n !== expected) throw new Error(`a run handled ${n} items, expected ${expected}`);
    rates.push(n / seconds);
  }
  return rates;
}

/** Median ops/s of a synchronous operation: 300 ms warm-up, then 5 runs of 400 ms. */
export function opsPerSec(op: () => void): number {
  const runFor = (ms: number): number => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 100; i++) op();
      n += 100;
      now = performance.now();
    }
    return n / ((now - start) / 1000);
  };
  runFor(300);
  return median(Array.from({ length: 5 }, () => runFor(400)));
}

/** RSA-2048 PKCS#1 v1.5 + SHA-256 verifications per second with node:crypto, over a cadena-sized text. */
export function rsa2048VerifyPerSec(): number {
  const { publicKey, privateKey, cadena } = rsaFixture();
  const signature = sign('sha256', cadena, privateKey);
  return opsPerSec(() => {
    if (!verify('sha256', cadena, publicKey, signature)) throw new Error('verify failed');
  });
}

/** The same signatures made per second (what sealing costs). */
export function rsa2048SignPerSec(): number {
  const { privateKey, cadena } = rsaFixture();
  return opsPerSec(() => sign('sha256', cadena, privateKey));
}

function rsaFixture() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return { publicKey, privateKey, cadena: Buffer.from(`||1.0|FOLIO-0001|${'X'.repeat(360)}||`, 'utf8') };
}

/** yauzl with nothing of ours: fromBuffer, each entry streamed into one Buffer, in order. */
export function rawYauzl(zip: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('no zipfile'));
      let count = 0;
      file.on('error', reject);
      file.on('entry', (entry: yauzl.Entry) =>
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            Buffer.concat(chunks);
            count++;
            file.readEntry();
          });
        }),
      );
      file.on('end', () => resolve(count));
      file.readEntry();
    });
  });
}
