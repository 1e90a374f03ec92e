import { checkAccount, type Finding } from '../connectors/mail/account-check';
import { type MailConfig, withFilesResolved } from '../connectors/mail/mail.config';
import { besideHub } from '../core/config/relative-paths';
import { loadConfig } from '../core/config/load-config';
import { buildCatalog } from '../plugins/host/build-catalog';
import { MAIL_CHECK } from './commands';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

/**
 * `replywatch mail check [--account NAME]`: logs in to each configured mailbox as the hub
 * would and reports what works and what does not. Exit 0 when nothing failed (warnings are
 * fine), 1 otherwise.
 */
export async function runMailCheck(args: string[]): Promise<number> {
  const { values } = parseCommand(MAIL_CHECK, args);
  const config = loadConfig();
  const mail = buildCatalog(config).enabled.get('mail');
  if (!mail) throw new Error(`the mail connector is not enabled: add a connectors.mail section with accounts to ${config.hubSource.file}`);
  const settings = mail.config as MailConfig;
  const accounts = settings.accounts.filter((a) => values.account === undefined || a.name === values.account);
  if (accounts.length === 0) throw new UsageError(`no account named "${values.account ?? ''}" (accounts: ${settings.accounts.map((a) => a.name).join(', ')})`);
  let failed = false;
  for (const account of accounts) {
    const findings = await checkAccount(withFilesResolved(account, (file) => besideHub(config.hubFile, file).path), settings.idleRestart);
    failed ||= findings.some((f) => f.verdict === 'fail');
    process.stdout.write(`${account.name} (${account.user} at ${account.host})\n${findings.map(line).join('')}`);
  }
  process.stdout.write(failed ? 'Some checks failed: the hub will report those mailboxes as down.\n' : 'All mailboxes can be watched.\n');
  return failed ? 1 : 0;
}

function line(finding: Finding): string {
  // Whatever a server says stays on one line; secrets are never in these texts (no echo of settings).
  return `  ${MARK[finding.verdict]} ${finding.text.replace(/\s+/g, ' ')}\n`;
}
