/** An error the CLI prints as one line (code + Chinese message) with a non-zero exit code. */
export class CliError extends Error {
  constructor(
    public code: string,
    message: string,
    public exitCode = 1,
  ) {
    super(message);
  }
}
