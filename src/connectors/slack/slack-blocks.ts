import { type DeliveryPayload, type DigestItem } from 'replywatch/sdk';

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

/**
 * A card for a duty channel: the hub's own line first (it already names the conversation),
 * then where and when (policy, deadline, channel), the runbook line, the Message-ID or message
 * id to find the conversation by, and the people to mention. Text from customers is escaped:
 * a title cannot mention @channel or fake a link.
 */
export function slackMessage(payload: DeliveryPayload): SlackMessage {
  const text = payload.text;
  const blocks: Block[] = [section(`*${escape(text)}*`)];
  const facts = factsOf(payload);
  if (facts.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: facts.join(' · ') }] });
  if ('runbook' in payload && typeof payload.runbook === 'string') blocks.push(section(`*Runbook:* ${escape(payload.runbook)}`));
  if ('reason' in payload && typeof payload.reason === 'string' && payload.reason !== '') blocks.push(section(`*Reason:* ${escape(payload.reason)}`));
  if (payload.event === 'sla.digest') blocks.push(...digestBlocks(payload.items));
  const mentions = 'mentions' in payload && Array.isArray(payload.mentions) ? payload.mentions : [];
  if (mentions.length > 0) blocks.push(section(mentions.map(mention).join(' ')));
  return { text: text.slice(0, 3000), blocks };
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
  const lines = items.slice(0, DIGEST_ITEMS).map((item) => `• ${escape(item.text)}`);
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
