import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DGAIR_REFUSALS } from '../domain/titulos/dgair-eligibility.js';

/** Dates leave as ISO strings (fast-json-stringify serializes Date for format date-time). */
const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const Environment = Type.Union([Type.Literal('qa'), Type.Literal('prod')]);
export const NumeroParams = Type.Object({ numero: Type.String({ pattern: '^A\\d+$', description: 'e.g. A1000001' }) });
export const FolioDigital = Type.String({ format: 'uuid' });

const refusalCodes = Object.entries(DGAIR_REFUSALS)
  .map(([code, meaning]) => `${code}: ${meaning}`)
  .join('; ');

export const SolicitudSchema = Type.Object({
  numero: Type.String(),
  environment: Environment,
  cveInstitucion: Type.String(),
  state: Type.Union([Type.Literal('pending-payment'), Type.Literal('paid'), Type.Literal('processed')], {
    description: 'processed: every título is authenticated or rejected (an active solicitud is processed when first read)',
  }),
  payment: Type.Object({
    method: Nullable(Type.Union([Type.Literal('prueba'), Type.Literal('linea-de-captura'), Type.Literal('tarjeta')])),
    lineaCaptura: Nullable(Type.String()),
    paidAt: Nullable(DateTime),
    activeFrom: Nullable(DateTime),
  }),
  counts: Type.Object({ titulos: Type.Integer(), autenticados: Type.Integer(), rechazados: Type.Integer() }),
  titulos: Type.Array(
    Type.Object({
      folioControl: Type.String(),
      estatus: Type.Union([Type.Literal('pendiente'), Type.Literal('autenticado'), Type.Literal('rechazado')]),
      folioDigital: Nullable(Type.String()),
      fechaAutenticacion: Nullable(Type.String({ description: 'AAAA-MM-DDThh:mm:ss, Mexico City' })),
      motivo: Nullable(Type.Object({ code: Type.String({ description: refusalCodes }), message: Type.String() })),
    }),
  ),
  createdAt: DateTime,
  processedAt: Nullable(DateTime),
});

/** Where the QR code of a constancia points: this service's public verification route. */
export function verificationUrl(request: FastifyRequest, folioDigital: string): string {
  return `${request.protocol}://${request.host}/api/v1/dgair/verificacion/${folioDigital}`;
}
