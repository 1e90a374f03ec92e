/** Wrong command-line words; the CLI prints it with a pointer to `replywatch help`, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
