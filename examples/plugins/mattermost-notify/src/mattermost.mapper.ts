import { isInquiryPayload, type ConversationRef, type Delivery, type DeliveryPayload } from 'replywatch/sdk';
import { type MattermostConfig } from './mattermost.config';

/** The JSON body of a Mattermost incoming webhook request (the fields this connector uses). */
export interface WebhookBody {
  /** Markdown; Mattermost splits posts longer than its maximum post size itself. */
  text: string;
  channel?: string;
  username?: string;
  icon_url?: string;
  /** Stored with the post: lets an operator find the post a delivery produced. */
  props: Record<string, string>;
}

/** Builds the webhook request for one delivery; the target's channel wins over the configured one. */
export function toWebhookBody(delivery: Delivery, config: Pick<MattermostConfig, 'channel' | 'username' | 'iconUrl'>): WebhookBody {
  const targetChannel = typeof delivery.target.channel === 'string' ? delivery.target.channel : undefined;
  const channel = targetChannel ?? config.channel;
  const props: Record<string, string> = { replywatch_event: delivery.payload.event, replywatch_idempotency_key: delivery.idempotencyKey };
  if (isInquiryPayload(delivery.payload)) props.replywatch_inquiry_id = delivery.payload.inquiryId;
  return {
    text: renderText(delivery.payload),
    ...(channel === undefined ? {} : { channel }),
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.iconUrl === undefined ? {} : { icon_url: config.iconUrl }),
    props,
  };
}

/** The post's markdown: the hub's ready-made line first, then what the payload adds to it. */
export function renderText(payload: DeliveryPayload): string {
  const lines = [defuse(payload.text)];
  switch (payload.event) {
    case 'sla.digest':
      for (const item of payload.items) lines.push(`- ${defuse(item.text)}`);
      break;
    case 'report.export':
      // A hook posts text only; saying so beats a post that looks like a missing attachment.
      lines.push(`_The CSV for ${payload.label} is not attached: Mattermost incoming webhooks cannot upload files._`);
      break;
    case 'operator.notice':
      if (payload.conversation) lines.push(conversationLine(payload.conversation, payload.inquiryId));
      break;
    case 'inquiry.escalated':
      lines.push(conversationLine(payload.conversation, payload.inquiryId, payload.dueAt));
      if (payload.trigger === 'manual' && payload.by) lines.push(`Escalated by ${defuse(payload.by)}${payload.reason ? `: ${defuse(payload.reason)}` : ''}`);
      break;
    case 'sla.mark':
    case 'sla.breach':
      lines.push(conversationLine(payload.conversation, payload.inquiryId, payload.dueAt));
      if (payload.runbook) lines.push(runbookLine(payload.runbook));
      break;
    case 'inquiry.opened':
    case 'inquiry.answered':
    case 'inquiry.resolved':
      lines.push(conversationLine(payload.conversation, payload.inquiryId, payload.dueAt));
      break;
    case 'report.digest':
      break;
  }
  const mentions = 'mentions' in payload ? payload.mentions : undefined;
  if (mentions && mentions.length > 0) lines.push(`cc ${mentions.map(mention).join(' ')}`);
  return lines.join('\n');
}

function conversationLine(conversation: ConversationRef, inquiryId: string | undefined, dueAt?: string | null): string {
  const title = conversation.title ? `**${defuse(conversation.title)}** · ` : '';
  const parts = [`${title}${conversation.channel} \`${conversation.id}\``];
  if (inquiryId) parts.push(`inquiry \`${inquiryId}\``);
  if (dueAt) parts.push(`due ${formatUtc(dueAt)}`);
  return parts.join(' · ');
}

function runbookLine(runbook: string): string {
  return /^https?:\/\/\S+$/.test(runbook) ? `Runbook: [${runbook}](${runbook})` : `Runbook: ${defuse(runbook)}`;
}

/** Runbook mentions are meant to notify; written without `@` they are still handles. */
function mention(handle: string): string {
  return handle.startsWith('@') ? handle : `@${handle}`;
}

/**
 * Customer-controlled text (a conversation title, a reason) must not ping a whole channel:
 * a zero-width space after the `@` keeps @all / @channel / @here readable but inert.
 */
export function defuse(text: string): string {
  return text.replace(/@(all|channel|here)\b/gi, '@\u200b$1');
}

/** `2026-03-02T10:00:00.000Z` → `2026-03-02 10:00 UTC`; anything unparsable as written. */
function formatUtc(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
