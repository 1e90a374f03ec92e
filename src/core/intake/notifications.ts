import { type ConversationRef as PayloadConversation, type DeliveryPayload } from '../../plugins/sdk/payloads';
import { type Rules } from '../config/rules.schema';
import { conversationRef, inquiryAnswered, inquiryOpened, toDutyTargets } from '../outbox/payload-builder';
import { type NewDelivery } from '../outbox/outbox-writer';
import { type InquiryChange } from './inquiry-tracker';

export interface ConversationRef {
  id: number;
  channel: string;
  externalId: string;
  title: string | null;
}

/** The message that opened an inquiry, as the channel knows it. */
export interface OpeningMessage {
  /** The channel's own id of the message. */
  id: string;
  /** Where a person opens it (stored only when http(s)); null where the channel has none. */
  link: string | null;
}

/**
 * The deliveries the runbook asks for when inquiries open or get answered. `openingOf` turns a
 * stored message id into the channel's own id and link, for links to the opening message.
 */
export function lifecycleNotifications(
  rules: Rules,
  changes: readonly InquiryChange[],
  conversation: ConversationRef,
  openingOf: (messageId: number) => OpeningMessage | undefined = () => undefined,
): NewDelivery[] {
  const deliveries: NewDelivery[] = [];
  for (const change of changes) {
    const names = change.type === 'opened' ? rules.notify.inquiryOpened : change.type === 'answered' ? rules.notify.inquiryAnswered : [];
    if (names.length === 0) continue;
    const payload = payloadOf(change, conversation, openingOf);
    if (!payload) continue;
    deliveries.push(...toDutyTargets(rules, names, { key: (target) => `inquiry:${change.inquiryId}:${change.type}:${target}`, payload, inquiryId: change.inquiryId }));
  }
  return deliveries;
}

function payloadOf(change: InquiryChange, conversation: ConversationRef, openingOf: (messageId: number) => OpeningMessage | undefined): DeliveryPayload | undefined {
  const where = { channel: conversation.channel, externalId: conversation.externalId, title: conversation.title };
  const base = { inquiryId: change.inquiryId, at: change.occurredAt.toISOString(), actor: change.actor };
  if (change.type === 'opened') {
    const opening = typeof change.data.messageId === 'number' ? openingOf(change.data.messageId) : undefined;
    const ref: PayloadConversation = conversationRef(opening === undefined ? where : { ...where, openingMessageId: opening.id, link: opening.link });
    return inquiryOpened({ ...base, conversation: ref });
  }
  if (change.type === 'answered') {
    // The answer's change names the reply, not the opening message: no link to hand here.
    const frt = change.data.firstResponseMs;
    return inquiryAnswered({ ...base, conversation: conversationRef(where), firstResponseMs: typeof frt === 'number' ? frt : null });
  }
  return undefined;
}
