/** The message itself is unusable (a connector bug, or a sender ignoring the schema). */
export class InvalidMessageError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidMessageError';
  }
}

/** More messages wait for a commit than intake.maxQueued: nothing was taken, retry shortly. */
export class IntakeBusyError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('the hub is at capacity (intake queue full)');
    this.name = 'IntakeBusyError';
  }
}

/** Intake is shutting down; senders should retry against another replica or later. */
export class IntakeClosedError extends Error {
  constructor() {
    super('intake is shutting down');
    this.name = 'IntakeClosedError';
  }
}
