import { type HotConversation, httpLink, type WaitingInquiry } from 'replywatch/sdk';
import { inquiryLink } from './telegram.ids';

export const HELP_TEXT = [
  'Replywatch watches the customer groups this bot is in and warns here before an answer is late.',
  '',
  'Here and in private:',
  '/hot — inquiries waiting for an answer, nearest deadline first',
  '/slastat [period] — SLA figures (this month by default; last-month, q3, 2026-Q3, FROM TO)',
  '/report [period] — every inquiry as a CSV file (last month by default)',
  '/roles — staff list; bot admins add and remove staff',
  '/help — this text',
  '',
  'In a customer chat (staff only; the bot stays silent there and confirms here):',
  '/hold [reason] — pause the clock (waiting for the customer)',
  '/resume — start the clock again',
  '/resolve — nothing left to answer',
  '/escalate [reason] — call the escalation contacts now',
].join('\n');

/**
 * /hot: what is waiting, nearest deadline first, with a link to jump into the chat; then the
 * chats that breached most this month (the reports' hot list), where the pattern lives.
 */
export function formatHotList(items: readonly WaitingInquiry[], now: number, breached: readonly HotConversation[] = []): string {
  const waiting =
    items.length === 0
      ? ['🧊 Nothing is waiting for an answer.']
      : [
          `🔥 Waiting for an answer (${items.length}):`,
          ...items.map((item) => {
            const where = item.conversation.title ?? `${item.conversation.channel} ${item.conversation.id}`;
            const url =
              httpLink(item.conversation.link) ?? (item.conversation.channel === 'telegram' ? inquiryLink(item.conversation.id, item.conversation.openingMessageId ?? undefined) : undefined);
            return `${stateOf(item, now)} — ${where}${url ? `\n   ${url}` : ''}`;
          }),
        ];
  if (breached.length === 0) return waiting.join('\n');
  const pattern = breached.map((h) => `${h.title ?? `${h.channel} ${h.conversation}`}: ${h.breaches} of ${h.inquiries} late${h.slowestBusinessMinutes === null ? '' : `, slowest ${h.slowestBusinessMinutes} min`}${h.tickets ? `, ticket ${h.tickets.join(', ')}` : ''}`);
  return [...waiting, '', '📈 Most breaches this month:', ...pattern].join('\n');
}

function stateOf(item: WaitingInquiry, now: number): string {
  if (item.status === 'on_hold') return '⏸ on hold';
  if (!item.dueAt) return `⏳ waiting ${minutes(now - Date.parse(item.openedAt))}`;
  const left = Date.parse(item.dueAt) - now;
  return left >= 0 ? `⏳ ${minutes(left)} left` : `⚠️ overdue ${minutes(-left)}`;
}

function minutes(ms: number): string {
  const total = Math.max(0, Math.round(ms / 60_000));
  return total < 120 ? `${total} min` : `${Math.floor(total / 60)} h ${total % 60} min`;
}
