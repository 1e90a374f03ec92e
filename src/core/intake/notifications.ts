import { type Rules } from '../config/rules.schema';
import { type NewDelivery } from '../outbox/outbox-writer';
import { type InquiryChange } from './inquiry-tracker';

export interface ConversationRef {
  id: number;
  channel: string;
  externalId: string;
  title: string | null;
}

/** The deliveries the runbook asks for when inquiries open or get answered. */
export function lifecycleNotifications(rules: Rules, changes: readonly InquiryChange[], conversation: ConversationRef): NewDelivery[] {
  const deliveries: NewDelivery[] = [];
  for (const change of changes) {
    const targetNames = change.type === 'opened' ? rules.notify.inquiryOpened : change.type === 'answered' ? rules.notify.inquiryAnswered : [];
    for (const name of targetNames) {
      const target = rules.duty.targets.find((t) => t.name === name);
      if (!target) continue;
      deliveries.push({
        idempotencyKey: `inquiry:${change.inquiryId}:${change.type}:${target.name}`,
        connector: target.connector,
        kind: 'notify',
        target: { name: target.name, ...target.to },
        inquiryId: change.inquiryId,
        payload: {
          event: `inquiry.${change.type}`,
          inquiryId: change.inquiryId,
          conversation: { channel: conversation.channel, id: conversation.externalId, title: conversation.title },
          at: change.occurredAt.toISOString(),
          actor: change.actor,
          ...change.data,
        },
      });
    }
  }
  return deliveries;
}
