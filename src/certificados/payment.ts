import { randomInt } from 'node:crypto';
import type { PaymentMethod } from '../store/schema.js';

/** A payment an institution makes (the test environment's `prueba` needs none). */
export type PaidMethod = Exclude<PaymentMethod, 'prueba'>;

/** Hours from payment to activation, by the service clock (spec mec-certificados.md §4.6); DGAIR solicitudes follow the same rule. */
export const ACTIVATION_HOURS: Readonly<Record<PaidMethod, number>> = { 'linea-de-captura': 48, tarjeta: 24 };

/** When something paid at `paidAt` by `method` becomes active. */
export function activationTime(paidAt: Date, method: PaidMethod): Date {
  return new Date(paidAt.getTime() + ACTIVATION_HOURS[method] * 3_600_000);
}

/** A 20-digit línea de captura to pay at the bank. */
export function newLineaCaptura(): string {
  return `0${Array.from({ length: 19 }, () => randomInt(10)).join('')}`;
}
