/**
 * A use case that cannot do what was asked, for a reason the caller can act on: the thing is not
 * there (NOT_FOUND), or the current state forbids it (REFUSED: a folio not active, an attempt too
 * many, a payment already made, a cancellation already pending). `detail` carries the facts
 * (expected, found, dates). Adapters translate it: REST into 404 / 409, SOAP into its own answers.
 */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly code: 'NOT_FOUND' | 'REFUSED',
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
