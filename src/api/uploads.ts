import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WsPrincipal } from '../registry/authenticator.js';
import type { Credentials } from '../titulos/met-service.js';
import { ApiError } from './errors.js';

/** Uploads (lotes, folio uploads, plan workbooks) arrive as a raw body of one of these, or as multipart. */
export const RAW_UPLOAD_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/xml',
  'text/xml',
  'application/octet-stream',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/** Registers raw-body and multipart parsing, both capped at `limit` bytes, in this plugin's scope. */
export async function acceptUploads(app: FastifyInstance, limit: number): Promise<void> {
  for (const type of RAW_UPLOAD_TYPES) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
  }
  await app.register(multipart, { limits: { fileSize: limit, files: 1, fields: 10 } });
}

/** The web-service user of an HTTP Basic request (the same credentials as the SOAP service). */
export async function authenticateBasic(
  request: FastifyRequest,
  authenticator: { authenticate(credentials: Credentials): Promise<WsPrincipal | null> },
): Promise<WsPrincipal> {
  const credentials = basicCredentials(request.headers.authorization);
  const principal = credentials && (await authenticator.authenticate({ ...credentials, clientAddress: request.ip }));
  if (!principal) throw new ApiError('UNAUTHENTICATED', 'send the web-service usuario and password with HTTP Basic authentication');
  return principal;
}

export function basicCredentials(header: string | undefined): Credentials | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { usuario: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function readUpload(request: FastifyRequest, limit: number): Promise<{ bytes: Buffer; filename?: string }> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw new ApiError('VALIDATION', 'the multipart body has no file part (name it "archivo")');
    const bytes = await file.toBuffer().catch((error: { code?: string }) => {
      if (error.code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiError('PAYLOAD_TOO_LARGE', `the file exceeds ${limit} bytes`);
      throw error;
    });
    return { bytes, filename: file.filename };
  }
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
    throw new ApiError('VALIDATION', `send the zip or XML as the body (Content-Type one of ${RAW_UPLOAD_TYPES.join(', ')}) or as multipart/form-data`);
  }
  return { bytes: request.body };
}

export function defaultUploadName(contentType: string | undefined): string {
  return /xml/.test(contentType ?? '') ? 'titulo.xml' : 'lote.zip';
}
