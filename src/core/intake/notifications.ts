import { type ConversationRef as PayloadConversation, type DeliveryPayload } from '../../plugins/sdk/payloads';
import { type Rules } from '../config/rules.schema';
import { inquiryAnswered, inquiryOpened, toDutyTargets } from '../outbox/payload-builder';
import { type NewDelivery } from '../outbox/outbox-writer';
import { type InquiryChange } from './inquiry-tracker';

export interface ConversationRef {
  id: number;
  channel: string;
  externalId: string;
  title: string | null;
}

/**
 * The deliveries the runbook asks for when inquiries open or get answered. `externalIdOf`
 * turns a stored message id into the channel's own, for links to the opening message.
 */
export function lifecycleNotifications(
  rules: Rules,
  changes: readonly InquiryChange[],
  conversation: ConversationRef,
  externalIdOf: (messageId: number) => string | undefined = () => undefined,
): NewDelivery[] {
  const deliveries: NewDelivery[] = [];
  for (const change of changes) {
    const names = change.type === 'opened' ? rules.notify.inquiryOpened : change.type === 'answered' ? rules.notify.inquiryAnswered : [];
    if (names.length === 0) continue;
    const payload = payloadOf(change, conversation, externalIdOf);
    if (!payload) continue;
    deliveries.push(...toDutyTargets(rules, names, { key: (target) => `inquiry:${change.inquiryId}:${change.type}:${target}`, payload, inquiryId: change.inquiryId }));
  }
  return deliveries;
}

function payloadOf(change: InquiryChange, conversation: ConversationRef, externalIdOf: (messageId: number) => string | undefined): DeliveryPayload | undefined {
  const ref: PayloadConversation = { channel: conversation.channel, id: conversation.externalId, title: conversation.title };
  const base = { inquiryId: change.inquiryId, at: change.occurredAt.toISOString(), actor: change.actor };
  if (change.type === 'opened') {
    const opening = typeof change.data.messageId === 'number' ? externalIdOf(change.data.messageId) : undefined;
    return inquiryOpened({ ...base, conversation: opening === undefined ? ref : { ...ref, openingMessageId: opening } });
  }
  if (change.type === 'answered') {
    const frt = change.data.firstResponseMs;
    return inquiryAnswered({ ...base, conversation: ref, firstResponseMs: typeof frt === 'number' ? frt : null });
  }
  return undefined;
}
