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

/** Intake is shutting down; senders should retry against another replica or later. */
export class IntakeClosedError extends Error {
  constructor() {
    super('intake is shutting down');
    this.name = 'IntakeClosedError';
  }
}
