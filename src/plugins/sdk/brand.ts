/**
 * Marks that identify SDK objects by shape, not by class identity. A plugin may resolve its
 * own copy of this package (an older install, a bundled build); `instanceof` then fails
 * across the two copies, while a `Symbol.for` key is the same in every copy.
 */
export const CONNECTOR_ERROR_BRAND = Symbol.for('replywatch.sdk.connector-error');
export const HTTP_PROBLEM_BRAND = Symbol.for('replywatch.sdk.http-problem');
export const SECRET_SCHEMAS = Symbol.for('replywatch.sdk.secret-schemas');

export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
