/** The database cannot be reached right now; callers answer 503 and the sender retries. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH']);

/** True for errors that mean "could not talk to the database" rather than "bad statement". */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : '';
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not currently accepting connections/i.test(
      message,
    )
  ) {
    return true;
  }
  if (code === undefined) return false;
  // SQLSTATE class 08 (connection exception), 57P01-03 (shutdown),
  // 3D000 (database dropped or not created yet).
  // 25006: read-only (a standby after failover); 53xxx: out of resources.
  return CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || /^57P0[123]$/.test(code) || code === '3D000' || code === '25006';
}

/** Deadlocks and serialization failures: the same transaction can simply be run again. */
export function isRetryableConflict(error: unknown): boolean {
  const code = errorCode(error);
  return code === '40P01' || code === '40001';
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const direct = (error as { code?: unknown }).code;
  if (typeof direct === 'string') return direct;
  const driverError = (error as { driverError?: unknown }).driverError;
  return driverError === undefined ? undefined : errorCode(driverError);
}
