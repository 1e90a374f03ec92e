/** A value as JSON carries it: every Date an ISO 8601 string. */
export type Wire<T> = T extends Date ? string : T extends ReadonlyArray<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/**
 * What the database gave, in the form the admin API would send it, so that one formatter
 * prints either and `--json` is the same text whichever way the command read.
 */
export function toWire<T>(value: T): Wire<T> {
  return JSON.parse(JSON.stringify(value)) as Wire<T>;
}
