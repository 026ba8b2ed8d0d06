import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The repository root (children run from there, so the TS loader finds tsconfig.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The flags that let a child `node` run TypeScript the way this test runs: tap starts every test
 * file with its TS loader in execArgv (`--import=…@tapjs/typescript…`), so a child gets the same.
 * tap's process-info hook (NODE_OPTIONS) is left out: the children are not tests.
 */
export function typescriptNodeArgs(): string[] {
  const loader = process.execArgv.filter((arg) => arg.includes('@tapjs/typescript'));
  if (loader.length === 0) throw new Error(`no TypeScript loader in process.execArgv (${process.execArgv.join(' ')}); run the tests with tap`);
  return [...loader, '--enable-source-maps'];
}

export interface Child {
  readonly process: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching, rejects if the child exits first or the time runs out. */
  line(matching: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the child has exited (at once if it already has). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node <TS loader> script args…` with the given environment added to this one. */
export function spawnTypescript(script: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['NODE_OPTIONS'];
  const child = spawn(process.execPath, [...typescriptNodeArgs(), script, ...args], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));

  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    line: (matching, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          for (const line of out.split('\n')) {
            const match = line.match(matching);
            if (match) {
              done();
              resolve(match);
              return;
            }
          }
        };
        const onExit = () => {
          check();
          done();
          reject(new Error(`child exited before printing ${matching}; stdout: ${out}\nstderr: ${err}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${matching} within ${timeoutMs} ms; stdout: ${out}\nstderr: ${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.off('exit', onExit);
        };
        child.stdout.on('data', check);
        child.on('exit', onExit);
        check();
      }),
  };
}

/** Polls a condition (a short, bounded wait on something observable); rejects when time runs out. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
