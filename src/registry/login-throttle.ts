/**
 * Failed-login rate limiting for the web-service users (SOAP and REST alike).
 *
 * Policy (README "Configuration", METMEC_LOGIN_*):
 *   - every failed login (unknown user, wrong password, inactive user: one kind, so the limit
 *     reveals nothing about which users exist) is remembered twice, under its usuario and under
 *     the client address, for a sliding window of `windowSeconds` of the service clock;
 *   - while the usuario has `maxFailuresPerUser` failures in the window, or the address has
 *     `maxFailuresPerAddress`, every login of that usuario / from that address is refused without
 *     checking the password (REST 429 + Retry-After, SOAP the failed-login style mensaje);
 *   - refused attempts are not counted, so a lock ends at most `windowSeconds` after the failure
 *     that caused it, however hard it is hammered: no correct login is locked out for longer;
 *   - a successful login forgets that usuario's failures (not the address's);
 *   - the counters live in this process (several processes on one PostgreSQL each count their own).
 */
export interface LoginThrottleOptions {
  /** Failed logins of one usuario within the window before its logins are refused; 0 = no limit. */
  readonly maxFailuresPerUser: number;
  /** Failed logins from one client address within the window before its logins are refused; 0 = no limit. */
  readonly maxFailuresPerAddress: number;
  readonly windowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { maxFailuresPerUser: 10, maxFailuresPerAddress: 50, windowSeconds: 900 };

/** Thrown by the authenticator while a usuario or an address is locked; the adapters word it. */
export class LoginThrottled extends Error {
  override readonly name = 'LoginThrottled';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed logins; try again in ${retryAfterSeconds} s`);
  }
}

/** Keys kept at most; beyond it expired keys are dropped, then the oldest. Bounds memory under a spray of names. */
const MAX_KEYS = 100_000;

export class LoginThrottle {
  /** Failure instants (ms, oldest first) per key: `u:<usuario>` or `a:<address>`. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {}

  /** Seconds until a login of `usuario` from `address` may be tried again; 0 = now. */
  retryAfter(usuario: string, address: string | undefined, now: number): number {
    const waits = [this.wait(`u:${usuario}`, this.options.maxFailuresPerUser, now)];
    if (address !== undefined) waits.push(this.wait(`a:${address}`, this.options.maxFailuresPerAddress, now));
    return Math.max(...waits);
  }

  recordFailure(usuario: string, address: string | undefined, now: number): void {
    this.push(`u:${usuario}`, now);
    if (address !== undefined) this.push(`a:${address}`, now);
  }

  recordSuccess(usuario: string): void {
    this.failures.delete(`u:${usuario}`);
  }

  /** Forget everything (a registry reset). */
  clear(): void {
    this.failures.clear();
  }

  private wait(key: string, max: number, now: number): number {
    if (max <= 0) return 0;
    const recent = this.recent(key, now);
    if (recent.length < max) return 0;
    // Locked until the max-th most recent failure leaves the window.
    const unlockAt = recent[recent.length - max]! + this.options.windowSeconds * 1000;
    return Math.max(1, Math.ceil((unlockAt - now) / 1000));
  }

  private recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const since = now - this.options.windowSeconds * 1000;
    let drop = 0;
    while (drop < list.length && list[drop]! <= since) drop++;
    if (drop > 0) list.splice(0, drop);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  private push(key: string, now: number): void {
    const list = this.recent(key, now);
    if (list.length === 0) {
      if (this.failures.size >= MAX_KEYS) this.prune(now);
      this.failures.set(key, [now]);
      return;
    }
    list.push(now);
    // Only the last `max` failures decide a lock; keep a bounded list.
    const keep = Math.max(this.options.maxFailuresPerUser, this.options.maxFailuresPerAddress, 1);
    if (list.length > keep) list.splice(0, list.length - keep);
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    // Still full: drop the oldest-inserted keys (a Map iterates in insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size < MAX_KEYS) break;
      this.failures.delete(key);
    }
  }
}
