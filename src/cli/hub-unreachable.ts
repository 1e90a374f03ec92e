/** Where a command took the hub's address from, for the advice when nothing answered there. */
export type AddressSource = { kind: 'option' } | { kind: 'config'; file: string; builtIn: boolean };

/**
 * The error for a request that reached no hub. fetch says only "fetch failed"; this names the
 * URL tried, why in words, and the ways out: start the hub, or point the command at the one
 * that runs.
 */
export function hubUnreachable(url: string, error: unknown, source: AddressSource, command = 'send'): Error {
  return new Error(`no hub answered at ${url} (${unreachableReason(error)}).\nStart the hub first ("replywatch start"; in a checkout "node dist/cli.js start"), ${hubAddressAdvice(source, command)}.`, { cause: error });
}

/** How to point `command` at the hub that runs, by where its address came from. */
export function hubAddressAdvice(source: AddressSource, command: string): string {
  if (source.kind === 'option') return "or check --url: the hub's base URL, as its \"listening on\" line prints it";
  const file = source.builtIn ? 'config/hub.yaml (none was read: built-in defaults)' : source.file;
  return `or point ${command} at the running one: --url URL, the PORT and HOST environment variables, or server.port and server.host in ${file}`;
}

/** fetch hides the network error in `cause`; its code says what happened. */
export function unreachableReason(error: unknown): string {
  // Read by shape, not instanceof: fetch's errors may come from another realm (jest).
  const { name, message, cause } = fields(error);
  if (name === 'TimeoutError') return 'no answer in time';
  const inner = fields(cause);
  switch (inner.code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens there';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before an answer';
    default:
      return inner.message ?? message ?? String(error);
  }
}

function fields(value: unknown): { name?: string; message?: string; code?: string; cause?: unknown } {
  if (typeof value !== 'object' || value === null) return {};
  const { name, message, code, cause } = value as Record<string, unknown>;
  return { ...(typeof name === 'string' ? { name } : {}), ...(typeof message === 'string' ? { message } : {}), ...(typeof code === 'string' ? { code } : {}), cause };
}
