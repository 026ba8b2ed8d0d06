import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Refusal } from '../refusal.js';
import { LoginThrottled } from '../registry/login-throttle.js';
import { RegistryError } from '../registry/registry-service.js';
import { SeedFileError } from '../registry/seed-file.js';

/**
 * The catalog of this service's own REST errors: one code, one HTTP status, one meaning. Bodies are
 * always `{ error: { code, message, ...detail }, requestId }`; internals never leak.
 */
export const API_ERRORS = {
  UNAUTHENTICATED: { status: 401, title: 'Missing or wrong credentials' },
  FORBIDDEN: { status: 403, title: 'The credentials do not own this resource' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  VALIDATION: { status: 400, title: 'The request does not match the documented schema' },
  INVALID: { status: 422, title: 'The request is well-formed but cannot be honoured' },
  REFUSED: { status: 409, title: 'The current state forbids it: a folio not active, an attempt too many, a payment already made, a cancellation pending' },
  TOO_MANY_FAILED_LOGINS: { status: 429, title: 'Too many failed logins for this usuario or from this address; retry after Retry-After seconds' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The body exceeds the configured limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The Content-Type is not accepted by this route' },
  INTERNAL: { status: 500, title: 'Unexpected failure; the request id is in the log' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = toApiError(error);
  if (mapped.code === 'INTERNAL') request.log.error({ err: error }, 'unexpected error');
  const status = API_ERRORS[mapped.code].status;
  if (status === 401) reply.header('www-authenticate', 'Basic realm="metmec", charset="UTF-8"');
  if (status === 429) reply.header('retry-after', String(mapped.detail['retryAfterSeconds']));
  return reply.status(status).send({ error: { code: mapped.code, message: mapped.message, ...mapped.detail }, requestId: request.id });
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof LoginThrottled) {
    // Said the same way for every usuario, existing or not: the lock is counted alike for both.
    return new ApiError('TOO_MANY_FAILED_LOGINS', `too many failed logins; try again in ${error.retryAfterSeconds} s`, { retryAfterSeconds: error.retryAfterSeconds });
  }
  if (error instanceof Refusal) return new ApiError(error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'REFUSED', error.message, error.detail);
  if (error instanceof RegistryError) return new ApiError(error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'INVALID', error.message, error.detail);
  if (error instanceof SeedFileError) return new ApiError('INVALID', error.message);
  if (error.validation) {
    return new ApiError('VALIDATION', error.message, {
      problems: error.validation.map((v) => ({ path: v.instancePath || v.params?.['missingProperty'] || '/', message: v.message })),
    });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) return new ApiError('PAYLOAD_TOO_LARGE', error.message);
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new ApiError('VALIDATION', error.message);
  return new ApiError('INTERNAL', API_ERRORS.INTERNAL.title);
}
