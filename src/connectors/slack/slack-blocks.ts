import { type DeliveryPayload, type DigestItem, httpLink, type TicketMention } from 'replywatch/sdk';

/** A Block Kit block, as far as this connector writes them. */
export type Block =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

export interface SlackMessage {
  /** The fallback shown in notifications and by clients that cannot show blocks. */
  text: string;
  blocks: Block[];
}

const SECTION_MAX = 2900;
const DIGEST_ITEMS = 40;

const FALLBACK_MAX = 3000;
const OPEN = 'Open conversation';

/**
 * A card for a duty channel: the hub's own line first (it already names the conversation),
 * an "Open conversation" link to it when there is one, then where and when (policy, deadline,
 * channel), the runbook line, the Message-ID or message id to find the conversation by, and
 * the people to mention. Text from customers is escaped: a title cannot mention @channel or
 * fake a link; only an http(s) URL becomes a link. The fallback text (notifications, clients
 * without blocks) ends with the link too.
 */
export function slackMessage(payload: DeliveryPayload): SlackMessage {
  const text = payload.text;
  const url = 'conversation' in payload ? slackUrl(payload.conversation?.link) : undefined;
  const blocks: Block[] = [section(`*${escape(text)}*`)];
  // Its own section: a long headline is cut at the section's limit, the link never is.
  if (url !== undefined) blocks.push(section(`*<${url}|${OPEN}>*`));
  const facts = factsOf(payload);
  if (facts.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: facts.join(' · ') }] });
  if ('runbook' in payload && typeof payload.runbook === 'string') blocks.push(section(`*Runbook:* ${escape(payload.runbook)}`));
  if ('reason' in payload && typeof payload.reason === 'string' && payload.reason !== '') blocks.push(section(`*Reason:* ${escape(payload.reason)}`));
  const tickets = 'tickets' in payload && Array.isArray(payload.tickets) ? payload.tickets : [];
  if (tickets.length > 0) blocks.push(section(`*Ticket:* ${tickets.map(ticketLink).join(', ')}`));
  if (payload.event === 'sla.digest') blocks.push(...digestBlocks(payload.items));
  const mentions = 'mentions' in payload && Array.isArray(payload.mentions) ? payload.mentions : [];
  if (mentions.length > 0) blocks.push(section(mentions.map(mention).join(' ')));
  const fallbackLink = url === undefined ? '' : `\n<${url}|${OPEN}>`;
  return { text: `${text.slice(0, FALLBACK_MAX - fallbackLink.length)}${fallbackLink}`, blocks };
}

/** A ticket's key, linked to it when its link is an http(s) URL. */
function ticketLink(ticket: TicketMention): string {
  const url = slackUrl(ticket.url);
  return url === undefined ? `\`${escape(ticket.key)}\`` : `<${url}|${escape(ticket.key)}>`;
}

function factsOf(payload: DeliveryPayload): string[] {
  const facts: string[] = [];
  if ('policy' in payload && typeof payload.policy === 'string') facts.push(`Policy *${escape(payload.policy)}*`);
  if ('dueAt' in payload && typeof payload.dueAt === 'string') facts.push(`due ${payload.dueAt.slice(0, 16).replace('T', ' ')} UTC`);
  if ('conversation' in payload && payload.conversation) {
    const { channel, id, openingMessageId } = payload.conversation;
    facts.push(`${escape(channel)} \`${escape(id)}\``);
    if (typeof openingMessageId === 'string' && openingMessageId !== '') facts.push(channel === 'email' ? `Message-ID \`<${escape(openingMessageId)}>\`` : `message \`${escape(openingMessageId)}\``);
  }
  if ('late' in payload && payload.late === true) facts.push('_fired late, after downtime_');
  return facts;
}

function digestBlocks(items: readonly DigestItem[]): Block[] {
  const lines = items.slice(0, DIGEST_ITEMS).map(digestLine);
  if (items.length > DIGEST_ITEMS) lines.push(`…and ${items.length - DIGEST_ITEMS} more`);
  // One section holds at most ~3000 characters: split the list over as many as it needs.
  const blocks: Block[] = [];
  let current = '';
  for (const line of lines) {
    if (current.length + line.length + 1 > SECTION_MAX) {
      blocks.push(section(current));
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') blocks.push(section(current));
  return blocks;
}

/** An alert of a digest, its text a link to the conversation when there is one. */
function digestLine(item: DigestItem): string {
  const url = slackUrl(item.conversation?.link);
  const line = url === undefined ? `• ${escape(item.text)}` : `• <${url}|${escape(item.text)}>`;
  // A line longer than a section would be cut inside its link: such a one goes without.
  return line.length <= SECTION_MAX ? line : `• ${escape(item.text)}`;
}

/**
 * An http(s) URL made safe inside Slack's `<url|text>`: `&`, `<`, `>` escaped as everywhere in
 * mrkdwn, and `|` (which would end the URL) percent-encoded. Undefined for anything that is
 * not an http(s) URL (javascript:, a relative path).
 */
export function slackUrl(link: unknown): string | undefined {
  const url = httpLink(link);
  return url === undefined ? undefined : escape(url).replace(/\|/g, '%7C');
}

/** A Slack member id (U…/W…) becomes a real mention; anything else stays plain text. */
function mention(who: string): string {
  const id = who.replace(/^@/, '');
  return /^[UW][A-Z0-9]{6,}$/.test(id) ? `<@${id}>` : `@${escape(id)}`;
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: text.length > SECTION_MAX ? `${text.slice(0, SECTION_MAX - 1)}…` : text } };
}

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
