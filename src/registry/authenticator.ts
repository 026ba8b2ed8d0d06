import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { findWsUser } from '../store/repositories/registry.js';
import type { Database, EnvironmentColumn } from '../store/schema.js';
import { LoginThrottle, LoginThrottled, type LoginThrottleOptions } from './login-throttle.js';
import { verifyPassword } from './passwords.js';

export interface WsPrincipal {
  readonly usuario: string;
  readonly cveInstitucion: string;
  readonly environment: EnvironmentColumn;
}

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 1_000;

/**
 * Checks web-service credentials. scrypt is deliberately slow (~40 ms), and clients poll consulta
 * in loops, so a successful check is remembered for a minute under a digest of user and password
 * (never the password itself). Unknown user and wrong password take the same path and time.
 * Repeated failures are rate-limited per usuario and per client address (src/registry/login-throttle.ts):
 * while locked, authenticate throws LoginThrottled before any lookup, for existing and unknown users alike.
 */
export class Authenticator {
  private readonly cache = new Map<string, { principal: WsPrincipal; expires: number }>();
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    throttle?: LoginThrottleOptions,
  ) {
    this.throttle = new LoginThrottle(throttle);
  }

  /** `clientAddress` (the HTTP peer) feeds the per-address limit; without it only the usuario's counts. */
  async authenticate(usuario: string, password: string, clientAddress?: string): Promise<WsPrincipal | null> {
    const now = this.clock.now().getTime();
    const wait = this.throttle.retryAfter(usuario, clientAddress, now);
    if (wait > 0) throw new LoginThrottled(wait);
    const key = createHash('sha256').update(usuario).update('\0').update(password).digest('base64');
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) {
      this.throttle.recordSuccess(usuario);
      return cached.principal;
    }

    const user = await findWsUser(this.db, usuario);
    const valid = await verifyPassword(password, user?.password_hash);
    if (!valid || !user || !user.active) {
      this.throttle.recordFailure(usuario, clientAddress, now);
      return null;
    }
    this.throttle.recordSuccess(usuario);
    const principal = { usuario: user.usuario, cveInstitucion: user.cve_institucion, environment: user.environment };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(key, { principal, expires: now + CACHE_TTL_MS });
    return principal;
  }

  /** Forget cached logins (after a password change or a registry reset). */
  invalidate(): void {
    this.cache.clear();
  }
}
