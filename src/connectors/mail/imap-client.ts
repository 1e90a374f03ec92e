import { readFileSync } from 'node:fs';
import { ConnectorError } from 'replywatch/sdk';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { portOf, type MailAccount } from './mail.config';

export interface ClientSettings {
  /** IDLE is ended and issued again this often; also the poll interval without IDLE. */
  idleRestartMs: number;
}

type Credentials = { user: string; pass: string } | { user: string; accessToken: string };

/** Reads the account's password or token; names the variable that is missing. */
export function credentialsOf(account: MailAccount, env: NodeJS.ProcessEnv = process.env): Credentials {
  if (account.password !== undefined) return { user: account.user, pass: account.password };
  if (account.accessTokenFile !== undefined) return { user: account.user, accessToken: readToken(account.name, account.accessTokenFile) };
  const variable = account.passwordEnv ?? account.accessTokenEnv ?? '';
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new ConnectorError('AUTH_FAILED', `account ${account.name}: the environment variable ${variable} is not set`);
  }
  return account.accessTokenEnv !== undefined ? { user: account.user, accessToken: value } : { user: account.user, pass: value };
}

/**
 * A new imapflow client for one connection (an instance cannot reconnect). Certificates are
 * always verified; a private CA comes from `caFile`. STARTTLS is required, not opportunistic:
 * a server that does not offer it fails rather than carrying the password in plain text.
 */
export function createImapClient(account: MailAccount, settings: ClientSettings, env: NodeJS.ProcessEnv = process.env): ImapFlow {
  const options: ImapFlowOptions = {
    host: account.host,
    port: portOf(account),
    secure: account.tls === 'implicit',
    auth: credentialsOf(account, env),
    logger: false,
    clientInfo: { name: 'replywatch' },
    // The watcher decides when to idle; imapflow's own auto-IDLE would race its commands.
    disableAutoIdle: true,
    maxIdleTime: settings.idleRestartMs,
    missingIdleCommand: 'NOOP',
    // The raw source, transfer encodings and all: mailparser decodes it, and a cut part stays parseable.
    disableBinary: true,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    // The watchdog: IDLE restarts every idleRestartMs, and the server answers the restart at
    // once; a socket silent much longer than that is dead (a half-open path after a NAT or
    // firewall dropped it), and the session ends so a fresh connection is made.
    socketTimeout: settings.idleRestartMs + Math.min(60_000, Math.max(5000, settings.idleRestartMs / 2)),
    doSTARTTLS: account.tls === 'implicit' ? undefined : account.tls === 'starttls',
    tls: tlsOptions(account),
  };
  return new ImapFlow(options);
}

function readToken(accountName: string, file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConnectorError('AUTH_FAILED', `account ${accountName}: cannot read accessTokenFile ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (token === '') throw new ConnectorError('AUTH_FAILED', `account ${accountName}: accessTokenFile ${file} is empty`);
  return token;
}

function tlsOptions(account: MailAccount): ImapFlowOptions['tls'] {
  const tls: NonNullable<ImapFlowOptions['tls']> = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  if (account.caFile !== undefined) {
    try {
      tls.ca = [readFileSync(account.caFile)];
    } catch (error) {
      throw new ConnectorError('NOT_FOUND', `account ${account.name}: cannot read caFile ${account.caFile} (${(error as Error).message})`);
    }
  }
  return tls;
}
