import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../api/errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** An onRequest hook that lets through only `Authorization: Bearer <token>`, compared in constant time. */
export function adminTokenHook(token: string): (request: FastifyRequest) => Promise<void> {
  const expected = digest(token);
  return async (request) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      throw new ApiError('UNAUTHENTICATED', 'send Authorization: Bearer <METMEC_ADMIN_TOKEN>');
    }
  };
}
