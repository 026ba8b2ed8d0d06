import { resolve } from 'node:path';
import { decOptions, type DecOptions } from './domain/certificados/context.js';
import { parseHolidaySpec, type HolidaySpec } from './domain/holidays.js';
import { DEFAULT_INTAKE_LIMITS, type IntakeLimits } from './intake/limits.js';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottleOptions } from './registry/login-throttle.js';
import { defaultEvaluationThreads } from './jobs/evaluation-pool.js';
import { repoPath } from './repo-path.js';

/**
 * One typed, frozen configuration read from the environment. Every variable is listed in
 * CONFIG_VARIABLES (the README's configuration table is checked against it); a bad value stops
 * start-up with a message naming the variable, what it expects and what it found.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly adminTokenIsDefault: boolean;
  readonly logLevel: string;
  readonly seedDemo: boolean;
  readonly worker: {
    readonly enabled: boolean;
    readonly pollMs: number;
    readonly leaseSeconds: number;
    readonly maxAttempts: number;
    readonly processingDelayMs: number;
    /** Threads that check a lote's files beside the main thread (0: on the main thread). */
    readonly evaluationThreads: number;
  };
  readonly limits: IntakeLimits;
  readonly maxEnvelopeBytes: number;
  /** Applied by the start script as --max-old-space-size; validated here like every variable. */
  readonly maxHeapMb: number;
  /** Read by glibc when the process starts (the start script sets it); validated here. */
  readonly mallocArenas: number;
  readonly cadenaEscapeXml: boolean;
  readonly renapo: boolean;
  /** The emulated SEP/DGAIR authority's e.firma (src/authority/authority.ts loads it). */
  readonly authority: { readonly cerPath: string; readonly keyPath: string; readonly password: string };
  /** Days that are not business days for the MEC's 48-business-hour cancellation. */
  readonly holidays: HolidaySpec;
  /** The DEC checks' choices on the spec's open questions. */
  readonly dec: DecOptions;
  /** Failed-login rate limiting of the web-service users (src/registry/login-throttle.ts). */
  readonly login: LoginThrottleOptions;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

interface VariableSpec {
  readonly description: string;
  readonly default: string;
}

export const DEFAULT_ADMIN_TOKEN = 'metmec-dev-admin-token';

export const CONFIG_VARIABLES: Readonly<Record<string, VariableSpec>> = {
  PORT: { description: 'HTTP port (0 picks a free one)', default: '3000' },
  HOST: { description: 'Interface to listen on', default: '127.0.0.1' },
  DATABASE_URL: { description: 'postgres://… to use a real PostgreSQL (pg pool); unset = embedded PGlite', default: '(unset)' },
  METMEC_DATA_DIR: { description: "Embedded database directory (locked against a second process); 'memory://' for a throwaway one", default: './data' },
  METMEC_ADMIN_TOKEN: { description: 'Bearer token for /api/v1/admin (set your own outside development)', default: DEFAULT_ADMIN_TOKEN },
  METMEC_LOG_LEVEL: { description: 'fatal, error, warn, info, debug, trace or silent', default: 'info' },
  METMEC_SEED_DEMO: { description: 'Seed the demo institution of fixtures/demo/demo.json at start-up', default: 'true' },
  METMEC_WORKER: { description: 'Run the lote worker in this process (several processes may share one PostgreSQL)', default: 'true' },
  METMEC_WORKER_POLL_MS: { description: 'How often the worker looks for lotes queued by other processes', default: '250' },
  METMEC_LEASE_SECONDS: { description: 'Lease on a claimed lote; an expired lease is re-claimed (crash recovery)', default: '60' },
  METMEC_MAX_ATTEMPTS: { description: 'Processing attempts before a failing lote is finished with one PKG-INTERNAL row', default: '3' },
  METMEC_PROCESSING_DELAY_MS: { description: 'Minimum time a lote stays "not finished" (to exercise client polling)', default: '0' },
  METMEC_EVALUATION_THREADS: {
    description: "Threads that inflate, parse, check and seal a lote's files while the main thread stores the results; `auto` = one per core (none on one core), 0 = all on the main thread",
    default: 'auto',
  },
  METMEC_MAX_UPLOAD_BYTES: { description: 'Cap on an uploaded file (zip or XML), decoded', default: String(DEFAULT_INTAKE_LIMITS.maxUploadBytes) },
  METMEC_MAX_ZIP_ENTRIES: { description: 'Cap on the number of entries in a zip (at most 65,534: one .xls sheet of results)', default: String(DEFAULT_INTAKE_LIMITS.maxEntries) },
  METMEC_MAX_ENTRY_BYTES: { description: 'Cap on one inflated zip entry (and on a single XML)', default: String(DEFAULT_INTAKE_LIMITS.maxEntryBytes) },
  METMEC_MAX_TOTAL_BYTES: { description: 'Cap on all inflated bytes of one zip', default: String(DEFAULT_INTAKE_LIMITS.maxTotalBytes) },
  METMEC_MAX_COMPRESSION_RATIO: { description: 'Cap on inflated/compressed size of a zip entry', default: String(DEFAULT_INTAKE_LIMITS.maxCompressionRatio) },
  METMEC_MAX_HEAP_MB: {
    description: "V8 heap cap for `npm start` (read by the start script, which also holds the young generation to 4 MB semi-spaces, as evaluation threads are held to 4 MB): old garbage is collected before the process grows past it",
    default: '256',
  },
  MALLOC_ARENA_MAX: {
    description: "glibc malloc arenas for `npm start` and the Docker image (read by the C library at start-up; checked here): the default, eight per core, leaves freed zlib and buffer memory spread over arenas the process keeps; four cut the 50 MB zip's peak RSS by ≈15 MB (two cut ≈20 MB but slowed the MEC's sealing threads by ≈10%)",
    default: '4',
  },
  METMEC_CADENA_ESCAPE_XML: { description: 'Build the cadena with & " < > XML-escaped (spec §3.4 open question)', default: 'false' },
  METMEC_RENAPO: { description: 'Check graduates against the emulated RENAPO registry', default: 'false' },
  METMEC_AUTHORITY_CER: { description: "The emulated SEP/DGAIR authority's e.firma certificate (.cer) used to seal authenticated certificados and títulos; the default is relative to the repository root", default: 'fixtures/authority/autoridad.cer' },
  METMEC_AUTHORITY_KEY: { description: "The authority's private key (.key, PKCS#8 encrypted); the default is relative to the repository root", default: 'fixtures/authority/autoridad.key' },
  METMEC_AUTHORITY_PASSWORD: { description: "Password of the authority's .key (the default is the public password of the test fixture)", default: '12345678a' },
  METMEC_DEC_NUMERO_CICLOS: {
    description: 'How the DEC checks count `numeroCiclos` (spec mec-certificados.md §7 q2): `distinct-cycles` (distinct `ciclo` values of the listed subjects, the majority reading) or `plan` (the registered plan\'s number of cycles)',
    default: 'distinct-cycles',
  },
  METMEC_DEC_ACCEPT_10_00: { description: 'Accept a DEC grade or promedio written `10.00` as well as `10` (spec §4.1 conflict)', default: 'false' },
  METMEC_DEC_EXTRANJERO_LUGAR: { description: 'Accept 33 EXTRANJERO as `Expedicion/@idLugarExpedicion` (spec §7 q7)', default: 'false' },
  METMEC_HOLIDAYS: {
    description: "Non-business days for the MEC's 48-business-hour cancellation, comma-separated: `lft` (the Ley Federal del Trabajo art. 74 rest days of every year) and/or dates AAAA-MM-DD; `none` for weekends only",
    default: 'lft',
  },
  METMEC_LOGIN_MAX_FAILURES: {
    description:
      'Failed web-service logins (SOAP and REST; unknown user and wrong password alike) of one usuario within the window before its logins are refused, even correct ones, with 429 + Retry-After (REST) or the failed-login mensaje (SOAP); refused attempts are not counted, so a lock ends at most one window after the last failure; a correct login clears the count; 0 = no limit',
    default: String(DEFAULT_LOGIN_THROTTLE.maxFailuresPerUser),
  },
  METMEC_LOGIN_MAX_FAILURES_PER_ADDRESS: {
    description: 'Failed web-service logins from one client address (any usuario) within the window before logins from it are refused the same way; 0 = no limit',
    default: String(DEFAULT_LOGIN_THROTTLE.maxFailuresPerAddress),
  },
  METMEC_LOGIN_WINDOW_SECONDS: {
    description: 'The sliding window of the failed-login limits, in seconds of the service clock (counted per process)',
    default: String(DEFAULT_LOGIN_THROTTLE.windowSeconds),
  },
};

export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const maxUploadBytes = read.integer('METMEC_MAX_UPLOAD_BYTES', 1);
  const config: Config = {
    port: read.integer('PORT', 0, 65_535),
    host: read.nonEmpty('HOST'),
    databaseUrl: read.databaseUrl('DATABASE_URL'),
    dataDir: read.dataDir('METMEC_DATA_DIR'),
    adminToken: read.token('METMEC_ADMIN_TOKEN'),
    adminTokenIsDefault: read.raw('METMEC_ADMIN_TOKEN') === DEFAULT_ADMIN_TOKEN,
    logLevel: read.oneOf('METMEC_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    seedDemo: read.boolean('METMEC_SEED_DEMO'),
    worker: {
      enabled: read.boolean('METMEC_WORKER'),
      pollMs: read.integer('METMEC_WORKER_POLL_MS', 10, 60_000),
      leaseSeconds: read.integer('METMEC_LEASE_SECONDS', 1, 86_400),
      maxAttempts: read.integer('METMEC_MAX_ATTEMPTS', 1, 100),
      processingDelayMs: read.integer('METMEC_PROCESSING_DELAY_MS', 0, 3_600_000),
      evaluationThreads: read.threads('METMEC_EVALUATION_THREADS'),
    },
    limits: {
      ...DEFAULT_INTAKE_LIMITS,
      maxUploadBytes,
      maxEntries: read.integer('METMEC_MAX_ZIP_ENTRIES', 1, 65_534),
      maxEntryBytes: read.integer('METMEC_MAX_ENTRY_BYTES', 1),
      maxTotalBytes: read.integer('METMEC_MAX_TOTAL_BYTES', 1),
      maxCompressionRatio: read.integer('METMEC_MAX_COMPRESSION_RATIO', 1),
      xml: { ...DEFAULT_INTAKE_LIMITS.xml, maxDocumentBytes: read.integer('METMEC_MAX_ENTRY_BYTES', 1) },
    },
    // base64 grows 4/3, plus room for the envelope around it.
    maxEnvelopeBytes: Math.ceil((maxUploadBytes * 4) / 3) + 64 * 1024,
    maxHeapMb: read.integer('METMEC_MAX_HEAP_MB', 64, 65_536),
    mallocArenas: read.integer('MALLOC_ARENA_MAX', 1, 1024),
    cadenaEscapeXml: read.boolean('METMEC_CADENA_ESCAPE_XML'),
    renapo: read.boolean('METMEC_RENAPO'),
    authority: {
      cerPath: read.repoFile('METMEC_AUTHORITY_CER'),
      keyPath: read.repoFile('METMEC_AUTHORITY_KEY'),
      // Not trimmed: a password may begin or end with spaces.
      password: read.raw('METMEC_AUTHORITY_PASSWORD'),
    },
    holidays: read.holidays('METMEC_HOLIDAYS'),
    dec: decOptions({
      numeroCiclosRule: read.oneOf('METMEC_DEC_NUMERO_CICLOS', ['distinct-cycles', 'plan'] as const),
      acceptTenWithDecimals: read.boolean('METMEC_DEC_ACCEPT_10_00'),
      allowExtranjeroLugarExpedicion: read.boolean('METMEC_DEC_EXTRANJERO_LUGAR'),
    }),
    login: {
      maxFailuresPerUser: read.integer('METMEC_LOGIN_MAX_FAILURES', 0, 1_000_000),
      maxFailuresPerAddress: read.integer('METMEC_LOGIN_MAX_FAILURES_PER_ADDRESS', 0, 1_000_000),
      windowSeconds: read.integer('METMEC_LOGIN_WINDOW_SECONDS', 1, 86_400),
    },
  };
  read.throwIfErrors();
  return deepFreeze(config);
}

class Reader {
  private readonly errors: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string {
    const value = this.env[name];
    const spec = CONFIG_VARIABLES[name];
    if (!spec) throw new Error(`unknown config variable ${name}`);
    return value === undefined || value === '' ? spec.default : value;
  }

  private bad(name: string, expected: string, found: string): void {
    this.errors.push(`${name}: expected ${expected}, found ${JSON.stringify(found)}`);
  }

  nonEmpty(name: string): string {
    const value = this.raw(name).trim();
    if (!value) this.bad(name, 'a non-empty value', value);
    return value;
  }

  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.bad(name, `an integer from ${min} to ${max}`, value);
      return min;
    }
    return Number(value);
  }

  /** `auto` (one per core) or a count. */
  threads(name: string): number {
    const value = this.raw(name).trim();
    if (value === 'auto') return defaultEvaluationThreads();
    if (!/^\d+$/.test(value) || Number(value) > 64) {
      this.bad(name, '`auto` or an integer from 0 to 64', value);
      return 0;
    }
    return Number(value);
  }

  boolean(name: string): boolean {
    const value = this.raw(name).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.bad(name, 'true or false', value);
    return false;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.raw(name) as T;
    if (!allowed.includes(value)) this.bad(name, `one of ${allowed.join(', ')}`, value);
    return value;
  }

  databaseUrl(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined || value === '') return undefined;
    let ok = false;
    try {
      ok = ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      ok = false;
    }
    if (!ok) this.bad(name, 'a postgres://user@host:port/database URL', value.replace(/:[^:@/]*@/, ':***@'));
    return value;
  }

  dataDir(name: string): string {
    const value = this.raw(name);
    return value.startsWith('memory://') ? value : resolve(value);
  }

  /** A file path: the default resolves against the repository root, a given value against the working directory. */
  repoFile(name: string): string {
    const value = this.raw(name);
    return value === CONFIG_VARIABLES[name]?.default ? repoPath(value) : resolve(value);
  }

  holidays(name: string): HolidaySpec {
    const value = this.raw(name);
    if (value.trim().toLowerCase() === 'none') return { statutory: false, dates: [] };
    const { spec, invalid } = parseHolidaySpec(value);
    if (invalid.length > 0) this.bad(name, '`lft`, `none` or dates AAAA-MM-DD separated by commas', invalid.join(','));
    return spec;
  }

  token(name: string): string {
    const value = this.raw(name);
    if (value.length < 16) this.bad(name, 'at least 16 characters', `${value.length} characters`);
    return value;
  }

  throwIfErrors(): void {
    if (this.errors.length > 0) {
      throw new ConfigError(`Invalid configuration:\n  ${this.errors.join('\n  ')}`);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
