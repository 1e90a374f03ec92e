import { type InquiryChangeType } from '../intake/inquiry-tracker';

/** Emitted in-process only after the change is committed. */
export const INQUIRY_EVENT = {
  opened: 'inquiry.opened',
  answered: 'inquiry.answered',
  extended: 'inquiry.extended',
  answer_corrected: 'inquiry.answer_corrected',
} as const satisfies Record<InquiryChangeType, string>;

/**
 * Intake committed SLA schedules; the payload is the earliest `next_attention_at` among them
 * (epoch ms). The SLA scheduler looks again only if that is before its current sleep ends.
 */
export const SLA_ATTENTION_PLANNED = 'sla.attention_planned';

/**
 * A point on an inquiry's SLA clock fired (a mark or an escalation step), after its commit;
 * the payload is the scheduler's FiredMark.
 */
export const SLA_MARK_FIRED = 'sla.mark_fired';

/** Deliveries were committed; wakes the outbox worker without waiting for its next poll. */
export const OUTBOX_ENQUEUED = 'outbox.enqueued';

/**
 * A delivery's state changed after its commit: an attempt ended (delivered, a retry planned,
 * dead-lettered) or dead letters were replayed. In-process listeners (the console's live
 * pages) hear of it; other replicas' changes are not seen here.
 */
export const OUTBOX_DELIVERY_CHANGED = 'outbox.delivery_changed';

export interface DeliveryChangedPayload {
  /** The inquiry the delivery was made for; null when it has none or it is not known (a replay of many). */
  inquiryId: string | null;
  status: 'pending' | 'delivered' | 'dead';
}

export interface InquiryEventPayload {
  inquiryId: string;
  conversation: { channel: string; id: string; title: string | null };
  at: Date;
  actor: string;
  data: Record<string, unknown>;
}
