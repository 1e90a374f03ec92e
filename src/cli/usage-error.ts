/**
 * Wrong command-line words; the CLI prints it with a pointer to the help of `command` (or
 * `replywatch help`), exit 2.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose words were wrong, e.g. `outbox list`, when known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
