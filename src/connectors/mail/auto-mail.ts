/** One raw header line as mailparser keeps it: lowercase key, the whole folded line. */
export interface HeaderLine {
  key: string;
  line: string;
}

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply']);
// Not no-reply@: contact forms send from it with the customer in Reply-To.
const SYSTEM_SENDER = /^(mailer-daemon|postmaster)@/i;
/** Subject prefixes of out-of-office answers from clients that set no header (older Exchange, some webmails). */
const AUTO_SUBJECT = /^\s*(automatic reply|auto-?reply|out of (the )?office|autoreply|автоматический ответ|автоответ)\s*:/i;

/**
 * Why a mail is machine-made and must open nothing (an auto-reply, a bounce, list mail, an
 * out-of-office answer), or undefined for a mail a person wrote. RFC 3834 (`Auto-Submitted`),
 * the older `Precedence` and `X-Autoreply`/`X-Autorespond`, RFC 2369/2919 list headers, the
 * empty Return-Path of a bounce (RFC 5321) and delivery reports (RFC 3462).
 */
export function automatedReason(lines: readonly HeaderLine[], from: string | undefined, subject: string, contentType: string): string | undefined {
  const value = (key: string): string | undefined => {
    const found = lines.find((l) => l.key === key);
    return found === undefined ? undefined : found.line.slice(found.line.indexOf(':') + 1).trim();
  };
  const autoSubmitted = value('auto-submitted')?.toLowerCase();
  if (autoSubmitted !== undefined && autoSubmitted.split(';')[0]?.trim() !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = value('precedence')?.toLowerCase();
  if (precedence !== undefined && BULK_PRECEDENCE.has(precedence)) return `Precedence: ${precedence}`;
  for (const key of ['x-autoreply', 'x-autorespond', 'x-autoresponse']) if (value(key) !== undefined) return `${key} header`;
  if (value('list-id') !== undefined) return 'list mail (List-Id)';
  if (value('list-unsubscribe') !== undefined) return 'list mail (List-Unsubscribe)';
  if (value('return-path')?.replace(/\s/g, '') === '<>') return 'a bounce (empty Return-Path)';
  if (from !== undefined && SYSTEM_SENDER.test(from)) return `sent by ${from}`;
  if (/^multipart\/report/i.test(contentType)) return 'a delivery report';
  if (AUTO_SUBJECT.test(subject)) return 'an out-of-office subject';
  return undefined;
}
