import { httpLink } from 'replywatch/sdk';
import { type CutGuard } from './pacer';

/**
 * Duty messages in Telegram's HTML (sent with `parse_mode: HTML`): every text from the hub,
 * the runbook and customers is escaped, and the conversation's title is a link to it when
 * there is one (only an http(s) URL ever becomes a link). Each line is whole markup on its
 * own, and `htmlCutGuard` keeps a long message from being split inside a tag or an entity.
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
  tickets?: unknown;
  policy?: unknown;
  dueAt?: unknown;
  reason?: unknown;
  items?: unknown;
  conversation?: { channel?: unknown; id?: unknown; title?: unknown };
}

/**
 * The longest link (markup included) put into a message; a longer title goes without its link,
 * which then follows on a line of its own. A link's text cannot be split between two messages,
 * so it must stay well below the 4096 characters of one.
 */
const MAX_ANCHOR = 3000;

export function formatNotification(payload: NotifyPayload, link: ConversationLink | undefined): string {
  const lines: string[] = [];
  const first = typeof payload.text === 'string' ? payload.text : headline(payload);
  const url = httpLink(link?.url);
  const title = link?.title ?? '';
  const linked = anchor(url, title);
  // The hub's texts usually name the conversation already ("… — Acme"): then that name is
  // the link; otherwise the title follows on its own line.
  const named = title.length > 0 && first.includes(title);
  lines.push(named && linked !== undefined ? linkWithin(first, title, linked) : escapeHtml(first));
  if (!named && title.length > 0) lines.push(linked ?? escapeHtml(title));
  if (url !== undefined && linked === undefined) lines.push(escapeHtml(url));
  if (link?.reference) lines.push(escapeHtml(link.reference));
  if (typeof payload.policy === 'string') lines.push(escapeHtml(`Policy: ${payload.policy}${typeof payload.dueAt === 'string' ? ` · due ${payload.dueAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`));
  if (typeof payload.reason === 'string' && payload.reason.length > 0) lines.push(escapeHtml(`Reason: ${payload.reason}`));
  if (typeof payload.runbook === 'string') lines.push(escapeHtml(`Runbook: ${payload.runbook}`));
  const tickets = Array.isArray(payload.tickets) ? payload.tickets.flatMap(ticketLine) : [];
  if (tickets.length > 0) lines.push(`Ticket: ${tickets.join(', ')}`);
  if (Array.isArray(payload.items)) lines.push(...digestLines(payload.items));
  const mentions = Array.isArray(payload.mentions) ? payload.mentions.filter((m): m is string => typeof m === 'string') : [];
  if (mentions.length > 0) lines.push(escapeHtml(mentions.map((m) => (m.startsWith('@') ? m : `@${m}`)).join(' ')));
  return lines.join('\n');
}

/** A ticket's key as markup, linked to it when its link is an http(s) URL. */
function ticketLine(ticket: unknown): string[] {
  const { key, url } = (ticket ?? {}) as { key?: unknown; url?: unknown };
  if (typeof key !== 'string' || key === '') return [];
  return [anchor(httpLink(typeof url === 'string' ? url : undefined), key) ?? escapeHtml(key)];
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
    const entry = item as { text?: unknown; conversation?: { title?: unknown; id?: unknown; link?: unknown } };
    const where = entry.conversation?.title ?? entry.conversation?.id;
    const text = typeof entry.text === 'string' ? entry.text : 'alert';
    if (typeof where !== 'string' || where.length === 0) return `• ${escapeHtml(text)}`;
    const shown = anchor(httpLink(entry.conversation?.link), where) ?? escapeHtml(where);
    // Most alert texts name their chat already ("… — {title}"); say it once.
    return text.endsWith(` — ${where}`) ? `• ${escapeHtml(text.slice(0, -where.length))}${shown}` : `• ${escapeHtml(text)} — ${shown}`;
  });
}

/** `text` with `name` as `linked`: where the hub's texts put the title (after " — "), else its last occurrence. */
function linkWithin(text: string, name: string, linked: string): string {
  const dash = text.lastIndexOf(` — ${name}`);
  const at = dash >= 0 ? dash + 3 : text.lastIndexOf(name);
  return `${escapeHtml(text.slice(0, at))}${linked}${escapeHtml(text.slice(at + name.length))}`;
}

/** `text` linked to `url`, or undefined without a URL, without text, or when too long for one message. */
function anchor(url: string | undefined, text: string): string | undefined {
  if (url === undefined || text.length === 0) return undefined;
  const html = `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
  return html.length <= MAX_ANCHOR ? html : undefined;
}

/** The four characters Telegram's HTML parse mode reserves (https://core.telegram.org/bots/api#html-style). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A link with its text, a tag or an entity: cutting a message inside one breaks the markup. */
const WHOLE = /<a\b[^>]*>[\s\S]*?<\/a>|<[^>]*>|&#?\w+;/g;

/** Positions where a duty message in HTML may be split into two messages (see splitText). */
export const htmlCutGuard: CutGuard = (html) => {
  const whole = [...html.matchAll(WHOLE)].map((m) => [m.index, m.index + m[0].length] as const);
  return (at) => !whole.some(([from, to]) => at > from && at < to);
};
