import { type InquiryChangeType } from '../intake/inquiry-tracker';

/** Emitted in-process only after the change is committed. */
export const INQUIRY_EVENT = {
  opened: 'inquiry.opened',
  answered: 'inquiry.answered',
  extended: 'inquiry.extended',
  answer_corrected: 'inquiry.answer_corrected',
} as const satisfies Record<InquiryChangeType, string>;

/** Deliveries were committed; wakes the outbox worker without waiting for its next poll. */
export const OUTBOX_ENQUEUED = 'outbox.enqueued';

export interface InquiryEventPayload {
  inquiryId: string;
  conversation: { channel: string; id: string; title: string | null };
  at: Date;
  actor: string;
  data: Record<string, unknown>;
}
