import { Type } from '@fastify/type-provider-typebox';
import type { Services } from '../app.js';
import type { LoteKind } from '../store/schema.js';
import type { CheckSelection, LoteDetail } from '../titulos/met-use-cases.js';

const Check = Type.Object(
  {
    code: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('warning'), Type.Literal('skipped')]),
    node: Type.Optional(Type.String()),
    attribute: Type.Optional(Type.String()),
    expected: Type.Optional(Type.String()),
    found: Type.Optional(Type.String()),
    explanation: Type.Optional(Type.String()),
    sepMessage: Type.Optional(Type.String()),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'e.g. the recomputed cadena and the signer of a failed sello' })),
  },
  { additionalProperties: false },
);

/** Dates leave as ISO strings (fast-json-stringify serializes Date for format date-time). */
const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

/** `?checks=`: every check made (the default), or only the problems (errors and warnings). */
export const ChecksQuery = Type.Optional(
  Type.Union([Type.Literal('all'), Type.Literal('problems')], { description: 'every check made (default), or only errors and warnings', default: 'all' }),
);

export const LoteDetailSchema = Type.Object({
  numeroLote: Type.Integer(),
  environment: Type.Union([Type.Literal('qa'), Type.Literal('prod')]),
  cveInstitucion: Type.String(),
  nombreArchivo: Type.String(),
  bytes: Type.Integer(),
  status: Type.Union([Type.Literal('received'), Type.Literal('processing'), Type.Literal('processed')]),
  receivedAt: DateTime,
  startedAt: Type.Union([DateTime, Type.Null()]),
  processedAt: Type.Union([DateTime, Type.Null()]),
  counts: Type.Union([Type.Object({ total: Type.Integer(), registered: Type.Integer(), rejected: Type.Integer() }), Type.Null()]),
  documents: Type.Optional(
    Type.Array(
      Type.Object({
        position: Type.Integer(),
        archivo: Type.String(),
        estatus: Type.Integer({ description: '1 = registered, 2 = rejected (as in SEP\'s results sheet)' }),
        descripcion: Type.String({ description: "SEP's one message for this file" }),
        folioControl: Type.String(),
        checks: Type.Array(Check, { description: 'every check made, in SEP evaluation order' }),
      }),
    ),
  ),
});

const DEFAULT_WAIT_SECONDS = 30;

/** `?wait=true&waitSeconds=`: answer once the lote is processed, or when the wait is over. */
export const WaitQuery = {
  wait: Type.Optional(Type.Boolean({ description: 'answer once the lote is processed (up to waitSeconds)' })),
  waitSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: DEFAULT_WAIT_SECONDS })),
};

/** What a request asks of a lote's view: which checks, and whether (and how long) to wait. */
export interface LoteViewQuery {
  readonly checks?: CheckSelection | undefined;
  readonly wait?: boolean | undefined;
  readonly waitSeconds?: number | undefined;
}

/** The lote's view: at once, or with `?wait=true` once it is processed (see waitForLote). */
export function loteView(
  services: Services,
  principal: { environment: 'qa' | 'prod'; cveInstitucion: string },
  numeroLote: number,
  kind: LoteKind,
  query: LoteViewQuery,
): Promise<LoteDetail | undefined> {
  return query.wait ? waitForLote(services, principal, numeroLote, kind, query) : services.met.loteDetail(principal, numeroLote, kind, query.checks);
}

/**
 * The lote's view once it is processed, or when `timeoutMs` has passed (the last view). Woken at
 * once when this process's worker finishes it (LoteEvents); a lote finished by another process, or
 * held back by the emulated processing delay, is seen at the next look, every RECHECK_MS.
 */
export async function waitForLote(
  services: Services,
  principal: { environment: 'qa' | 'prod'; cveInstitucion: string },
  numeroLote: number,
  kind: LoteKind,
  { checks, waitSeconds = DEFAULT_WAIT_SECONDS }: LoteViewQuery,
): Promise<LoteDetail | undefined> {
  const deadline = performance.now() + waitSeconds * 1000;
  for (;;) {
    const announced = services.loteEvents.next(principal.environment, numeroLote, Math.max(0, Math.min(RECHECK_MS, deadline - performance.now())));
    const detail = await services.met.loteDetail(principal, numeroLote, kind, checks);
    if (!detail || detail.status === 'processed' || performance.now() >= deadline) return detail;
    await announced;
  }
}

const RECHECK_MS = 250;
