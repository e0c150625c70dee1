/** Exit codes: 0 ok, 1 the work failed, 2 bad input (usage, unknown names, invalid files). */
export type ExitCode = 0 | 1 | 2;

/** An error the CLI reports as a message (no stack) and an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode = 2,
  ) {
    super(message);
  }
}

/** Bad input: exit code 2. */
export const usageError = (message: string) => new CliError(message, 2);
