import { existsSync } from 'node:fs';
import { DEFAULT_ADMIN_TOKEN } from '../config.js';
import { DEMO_FILE, readDemo } from '../registry/demo.js';
import { CliError, EXIT } from './cli-error.js';

export interface ConnectionOptions {
  readonly url?: string | undefined;
  readonly usuario?: string | undefined;
  readonly password?: string | undefined;
  readonly token?: string | undefined;
}

/** Where the service is and who we are: flags, then METMEC_* variables, then the demo institution. */
export class Connection {
  readonly baseUrl: string;

  constructor(private readonly options: ConnectionOptions) {
    this.baseUrl = (options.url ?? process.env.METMEC_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  }

  basicAuth(): string {
    let usuario = this.options.usuario ?? process.env.METMEC_USUARIO;
    let password = this.options.password ?? process.env.METMEC_PASSWORD;
    if (!usuario && existsSync(DEMO_FILE)) {
      const demo = readDemo();
      usuario = demo.usuario;
      password = demo.password;
    }
    if (!usuario || password === undefined) {
      throw new CliError('no credentials: pass --usuario and --password (or set METMEC_USUARIO / METMEC_PASSWORD)', EXIT.USAGE);
    }
    return `Basic ${Buffer.from(`${usuario}:${password}`).toString('base64')}`;
  }

  bearer(): string {
    return `Bearer ${this.options.token ?? process.env.METMEC_ADMIN_TOKEN ?? DEFAULT_ADMIN_TOKEN}`;
  }

  async request(path: string, init: RequestInit & { auth: 'basic' | 'admin' }): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', init.auth === 'basic' ? this.basicAuth() : this.bearer());
    try {
      return await fetch(`${this.baseUrl}${path}`, { ...init, headers });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`cannot reach metmec at ${this.baseUrl} (${cause}); is it running? (npm start)`);
    }
  }

  async json<T>(path: string, init: RequestInit & { auth: 'basic' | 'admin' }): Promise<T> {
    const response = await this.request(path, init);
    const body = (await response.json().catch(() => ({}))) as unknown;
    if (!response.ok) throw serviceError(response, body);
    return body as T;
  }

  /** A file the service sends (a zip, an XML, a PDF). */
  async bytes(path: string, init: RequestInit & { auth: 'basic' | 'admin' }): Promise<Buffer> {
    const response = await this.request(path, init);
    if (!response.ok) throw serviceError(response, await response.json().catch(() => ({})));
    return Buffer.from(await response.arrayBuffer());
  }
}

interface ErrorBody {
  readonly error?: {
    readonly code?: string;
    readonly message?: string;
    readonly expected?: unknown;
    readonly found?: unknown;
    readonly check?: { readonly code?: string; readonly explanation?: string };
  };
}

/**
 * A refusal as a CliError: 401 is a usage error (the credentials), 409 and 422 a problem with what
 * was sent (a folio rule, a file that cannot be used), anything else a service failure.
 */
export function serviceError(response: Pick<Response, 'status' | 'statusText'>, body: unknown): CliError {
  const error = (body as ErrorBody | null)?.error ?? {};
  const lines = [`${response.status} ${error.code ?? ''} ${error.message ?? response.statusText}`.replace(/\s+/g, ' ').trim()];
  if (error.expected !== undefined || error.found !== undefined) lines.push(`  expected: ${JSON.stringify(error.expected)}, found: ${JSON.stringify(error.found)}`);
  if (error.check?.explanation) lines.push(`  ${error.check.code ?? ''}: ${error.check.explanation}`);
  const exitCode = response.status === 401 ? EXIT.USAGE : response.status === 409 || response.status === 422 ? EXIT.PROBLEMS : EXIT.FAILURE;
  return new CliError(lines.join('\n'), exitCode);
}
