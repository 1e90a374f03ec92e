import { ConnectorError } from 'replywatch/sdk';

/** The fields of an imapflow or socket error this connector reads (all optional). */
interface ImapFailure {
  message?: string;
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  mailboxMissing?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  throttleReset?: number;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const CERTIFICATE = /certificate|self[- ]signed|unable to verify|altnames|CERT_/i;

/**
 * An IMAP failure in words a mail admin understands, with the code the hub acts on: a wrong
 * password or a missing mailbox will not fix itself (AUTH_FAILED, NOT_FOUND: retried slowly);
 * a dropped or refused connection is TEMPORARY. `where` names the account and step.
 */
export function toConnectorError(error: unknown, where: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ImapFailure;
  const said = failure.responseText ?? failure.message ?? 'unknown error';
  // imapflow flags every NO to a login as an authentication failure, also the server's "try
  // later" (its password or token backend is down): that one is not the user's fault.
  if (failure.serverResponseCode === 'UNAVAILABLE') {
    return new ConnectorError('TEMPORARY', `${where}: the server cannot check logins right now (${said})`, { cause: error });
  }
  if (failure.authenticationFailed || failure.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new ConnectorError('AUTH_FAILED', `${where}: the server refused the login (${said}); check the user and the password, app password or access token`, { cause: error });
  }
  if (failure.mailboxMissing || failure.serverResponseCode === 'NONEXISTENT') {
    return new ConnectorError('NOT_FOUND', `${where}: the mailbox does not exist on the server (${said})`, { cause: error });
  }
  if (failure.tlsFailed || CERTIFICATE.test(failure.message ?? '') || failure.code?.startsWith('ERR_TLS') || failure.code?.includes('CERT')) {
    return new ConnectorError('AUTH_FAILED', `${where}: the server's TLS certificate was not accepted (${failure.message ?? said}); set caFile for a private CA, or fix the host name`, { cause: error });
  }
  if (failure.code === 'ETHROTTLE') {
    const retryAfterMs = typeof failure.throttleReset === 'number' ? failure.throttleReset : 60_000;
    return new ConnectorError('RATE_LIMITED', `${where}: the server asked to slow down (${said})`, { cause: error, retryAfterMs });
  }
  if (failure.code !== undefined && UNREACHABLE.has(failure.code)) {
    return new ConnectorError('TEMPORARY', `${where}: cannot reach the server (${failure.code}: ${failure.message ?? said})`, { cause: error });
  }
  return new ConnectorError('TEMPORARY', `${where}: ${said}${failure.code ? ` (${failure.code})` : ''}`, { cause: error });
}
