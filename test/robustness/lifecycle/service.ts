// The real service (src/server.ts) as a child process, for the robustness suite's multi-process,
// crash and restart tests: started from the environment exactly as `npm start` does, its pino log
// read from stdout (readiness, port, which lotes it processed).
import { spawn } from 'node:child_process';
import { watchChild, type Child } from '../../jobs/fixtures/child-process.js';
import { ADMIN_TOKEN } from '../../support/app.js';
import { builtService } from './build.js';

export interface ServiceChild {
  readonly child: Child;
  /** Resolves with the base URL once the service listens (rejects if it exits first). */
  readonly ready: Promise<string>;
  /** numeroLote of every lote this process logged as processed. */
  processedLotes(): number[];
  /** Log lines (parsed) with this msg. */
  logged(msg: string): Array<Record<string, unknown>>;
  /** Sends the signal (if still running) and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `src/server.ts` with these settings on top of quiet test defaults. DATABASE_URL is never
 * inherited from the test runner: give it, or METMEC_DATA_DIR for the embedded database.
 */
export function spawnService(env: Record<string, string>): ServiceChild {
  const child = spawnNode(builtService().server, {
    PORT: '0',
    DATABASE_URL: '',
    METMEC_DATA_DIR: 'memory://',
    METMEC_ADMIN_TOKEN: ADMIN_TOKEN,
    METMEC_SEED_DEMO: 'false',
    METMEC_WORKER_POLL_MS: '20',
    METMEC_LOG_LEVEL: 'info',
    ...env,
  });
  const ready = child.line(/"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/, 60_000).then((m) => m[1]!);
  ready.catch(() => {});
  const lines = (): Array<Record<string, unknown>> =>
    child
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  return {
    child,
    ready,
    processedLotes: () => lines().filter((l) => l['msg'] === 'lote processed').map((l) => Number(l['numeroLote'])),
    logged: (msg) => lines().filter((l) => l['msg'] === msg),
    stop: async (signal) => {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
      return child.exited();
    },
  };
}

/** `node script` with the environment added to this one (tap's own hooks left out), its output kept. */
export function spawnNode(script: string, env: Record<string, string>): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['NODE_OPTIONS'];
  const child = spawn(process.execPath, ['--enable-source-maps', script], { cwd: builtService().root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return watchChild(child);
}
