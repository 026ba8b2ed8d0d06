import type { EnvironmentColumn } from '../store/schema.js';

/**
 * "This lote is processed", told by this process's worker to whoever waits for it here (a REST call
 * with `?wait=true`), so a waiting client is answered at once instead of at its next poll. Only a
 * hint: a lote processed by another process is never announced here, so waiters look at the
 * database again after a short while anyway.
 */
export class LoteEvents {
  private readonly waiters = new Map<string, Set<() => void>>();

  processed(environment: EnvironmentColumn, numeroLote: number): void {
    const key = keyOf(environment, numeroLote);
    const waiting = this.waiters.get(key);
    if (waiting === undefined) return;
    this.waiters.delete(key);
    for (const wake of waiting) wake();
  }

  /**
   * Resolves true when the lote is announced processed, false after `ms`. Ask before looking at the
   * database, so an announcement made while looking is not missed.
   */
  next(environment: EnvironmentColumn, numeroLote: number, ms: number): Promise<boolean> {
    const key = keyOf(environment, numeroLote);
    return new Promise((resolve) => {
      const waiting = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, waiting);
      const done = (announced: boolean): void => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0 && this.waiters.get(key) === waiting) this.waiters.delete(key);
        resolve(announced);
      };
      const wake = (): void => done(true);
      const timer = setTimeout(() => done(false), ms);
      waiting.add(wake);
    });
  }
}

function keyOf(environment: EnvironmentColumn, numeroLote: number): string {
  return `${environment}:${numeroLote}`;
}
