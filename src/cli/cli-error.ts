/** Exit codes: 0 success, 1 the document or lote has problems, 2 usage error, 3 service or I/O failure. */
export const EXIT = { OK: 0, PROBLEMS: 1, USAGE: 2, FAILURE: 3 } as const;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
  }
}
