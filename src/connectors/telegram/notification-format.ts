/**
 * Plain-text duty messages (no parse mode: nothing to escape, and safe to split anywhere).
 * Read defensively: a delivery written by an older hub may lack fields of today's payloads.
 */

export interface ConversationLink {
  title: string;
  url?: string;
  /** How to find the message where there is no link to it (a mail's Message-ID). */
  reference?: string;
}

interface NotifyPayload {
  event?: unknown;
  text?: unknown;
  runbook?: unknown;
  mentions?: unknown;
  policy?: unknown;
  dueAt?: unknown;
  reason?: unknown;
  items?: unknown;
  conversation?: { channel?: unknown; id?: unknown; title?: unknown };
}

export function formatNotification(payload: NotifyPayload, link: ConversationLink | undefined): string {
  const lines: string[] = [];
  const first = typeof payload.text === 'string' ? payload.text : headline(payload);
  lines.push(first);
  // The hub's texts usually name the conversation already; then only the link is added.
  if (link && !first.includes(link.title)) lines.push(link.title);
  if (link?.url) lines.push(link.url);
  if (link?.reference) lines.push(link.reference);
  if (typeof payload.policy === 'string') lines.push(`Policy: ${payload.policy}${typeof payload.dueAt === 'string' ? ` · due ${payload.dueAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`);
  if (typeof payload.reason === 'string' && payload.reason.length > 0) lines.push(`Reason: ${payload.reason}`);
  if (typeof payload.runbook === 'string') lines.push(`Runbook: ${payload.runbook}`);
  if (Array.isArray(payload.items)) lines.push(...digestLines(payload.items));
  const mentions = Array.isArray(payload.mentions) ? payload.mentions.filter((m): m is string => typeof m === 'string') : [];
  if (mentions.length > 0) lines.push(mentions.map((m) => (m.startsWith('@') ? m : `@${m}`)).join(' '));
  return lines.join('\n');
}

function headline(payload: NotifyPayload): string {
  switch (payload.event) {
    case 'inquiry.opened':
      return '🆕 New inquiry';
    case 'inquiry.answered':
      return '✅ Answered';
    default:
      return typeof payload.event === 'string' ? payload.event : 'notification';
  }
}

function digestLines(items: unknown[]): string[] {
  return items.map((item) => {
    const entry = item as { text?: unknown; conversation?: { title?: unknown; id?: unknown } };
    const where = entry.conversation?.title ?? entry.conversation?.id;
    const text = typeof entry.text === 'string' ? entry.text : 'alert';
    // Most alert texts name their chat already ("… — {title}"); say it once.
    return `• ${text}${typeof where === 'string' && !text.endsWith(` — ${where}`) ? ` — ${where}` : ''}`;
  });
}
