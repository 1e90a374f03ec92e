import { z } from 'zod';
import { durationAtLeast, secret } from 'replywatch/sdk';

/** An address (`support@example.com`) or a whole domain (`example.com`) that is "us". */
const ourIdentity = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^([^@\s]+@)?[a-z0-9.-]+\.[a-z0-9-]+$/, 'expected an address such as support@example.com or a domain such as example.com');

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, e.g. MAIL_SUPPORT_PASSWORD');

const accountSchema = z
  .object({
    /** Short name: shown in health, logs and alerts, and part of every conversation id (never rename). */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a short name of a-z, 0-9 and -, such as support'),
    host: z.string().min(1),
    /** Default: 993 with `tls: implicit`, 143 otherwise. */
    port: z.number().int().min(1).max(65_535).optional(),
    /**
     * `implicit` (port 993), `starttls` (port 143, upgraded before login; refused if the server
     * cannot), or `none` — plain text, allowed only to a loopback host (tests, a local bridge).
     */
    tls: z.enum(['implicit', 'starttls', 'none']).default('implicit'),
    /** A PEM file of the CA that signed the server's certificate (a private CA). */
    caFile: z.string().min(1).optional(),
    /** Login name, usually the mailbox address. */
    user: z.string().min(1),
    /** The password (an app password for Gmail, Microsoft 365 and Yandex 360); prefer passwordEnv. */
    password: secret(z.string().min(1)).optional(),
    /** Environment variable holding the password. */
    passwordEnv: envName.optional(),
    /** Environment variable holding an OAuth2 access token (XOAUTH2); used instead of a password. */
    accessTokenEnv: envName.optional(),
    /**
     * A file holding an OAuth2 access token, read again for every connection: a token helper
     * refreshes it (tokens live about an hour) and the next reconnect picks the new one up.
     */
    accessTokenFile: z.string().min(1).optional(),
    /** The mailbox watched for customer mail. */
    mailbox: z.string().min(1).default('INBOX'),
    /** Where replies are saved; default: the mailbox the server marks \Sent (SPECIAL-USE). `false`: do not watch. */
    sentMailbox: z.union([z.string().min(1), z.literal(false)]).optional(),
    /** Addresses and domains that are "us": mail from them is a staff answer. Default: the login if it is an address. */
    us: z.array(ourIdentity).default([]),
    /** How far back a first start (or a mailbox that was recreated) reads; older mail is left alone. */
    lookback: durationAtLeast(60_000, '1m').default(24 * 3_600_000),
  })
  .strict()
  .superRefine((account, ctx) => {
    const credentials = [account.password, account.passwordEnv, account.accessTokenEnv, account.accessTokenFile].filter((v) => v !== undefined).length;
    if (credentials !== 1) ctx.addIssue({ code: 'custom', message: 'expected exactly one of password, passwordEnv, accessTokenEnv or accessTokenFile' });
    if (account.tls === 'none' && !isLoopback(account.host)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'plain-text IMAP is allowed only to a loopback host; use implicit or starttls' });
    }
  });

export const mailConfigSchema = z
  .object({
    accounts: z
      .array(accountSchema)
      .min(1, 'expected at least one mailbox under accounts')
      .superRefine((accounts, ctx) => {
        const seen = new Set<string>();
        accounts.forEach((account, i) => {
          if (seen.has(account.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${account.name}" is used by another account` });
          seen.add(account.name);
        });
      }),
    /**
     * IDLE is ended and issued again this often (servers drop IDLE after 30 minutes). A reply
     * that does not come then means a dead connection: the watchdog.
     */
    idleRestart: durationAtLeast(1000, '1s').default(5 * 60_000),
    /** Longest inquiry text kept from a mail (the new part, without quotes and signature). */
    maxTextLength: z.number().int().min(100).max(32_768).default(4000),
    /** Bytes of each mail fetched for headers and text; attachments beyond it are never downloaded. */
    fetchBytes: z.number().int().min(8192).max(4 * 1024 * 1024).default(128 * 1024),
    /** Mails fetched per round while catching up. */
    batchSize: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export type MailConfig = z.output<typeof mailConfigSchema>;
export type MailAccount = MailConfig['accounts'][number];

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function portOf(account: MailAccount): number {
  return account.port ?? (account.tls === 'implicit' ? 993 : 143);
}

/** The "us" identities: as configured, or the login when it is an address. */
export function ourIdentities(account: MailAccount): string[] {
  if (account.us.length > 0) return account.us;
  return account.user.includes('@') ? [account.user.toLowerCase()] : [];
}

/** The account with its files (a private CA, a token file) as the hub resolves paths in hub.yaml. */
export function withFilesResolved(account: MailAccount, resolve: (written: string) => string): MailAccount {
  return {
    ...account,
    ...(account.caFile !== undefined ? { caFile: resolve(account.caFile) } : {}),
    ...(account.accessTokenFile !== undefined ? { accessTokenFile: resolve(account.accessTokenFile) } : {}),
  };
}
