import {
  type ConversationRef,
  type DeliveryPayload,
  type EscalationPayload,
  type InquiryAnsweredPayload,
  type InquiryOpenedPayload,
  type InquiryResolvedPayload,
  type OperatorNoticePayload,
  type ReportExportPayload,
  type SlaBreachPayload,
  type SlaDigestPayload,
  type SlaMarkPayload,
} from '../../plugins/sdk/payloads';
import { httpLink } from '../../plugins/sdk/links';
import { type Rules } from '../config/rules.schema';
import { type NewDelivery } from './outbox-writer';

/**
 * The one place that turns what happened into deliveries to duty targets: the payload's shape
 * is the SDK's documented union, and each target named in the rules gets one delivery keyed
 * so that it can never be written twice.
 */
export function toDutyTargets(
  rules: Rules,
  targetNames: readonly string[],
  delivery: { key: (targetName: string) => string; payload: DeliveryPayload; inquiryId?: string | null; notBefore?: Date },
): NewDelivery[] {
  const out: NewDelivery[] = [];
  for (const name of new Set(targetNames)) {
    const target = rules.duty.targets.find((t) => t.name === name);
    // Every name was checked against the targets when the rules were loaded.
    if (!target) continue;
    out.push({
      idempotencyKey: delivery.key(target.name),
      connector: target.connector,
      kind: kindOf(delivery.payload),
      target: { name: target.name, ...target.to },
      payload: delivery.payload as unknown as Record<string, unknown>,
      ...(delivery.inquiryId === undefined ? {} : { inquiryId: delivery.inquiryId }),
      ...(delivery.notBefore === undefined ? {} : { notBefore: delivery.notBefore }),
    });
  }
  return out;
}

/** The outbox's coarse kind, kept for its indexes and the storm guard's counting. */
function kindOf(payload: DeliveryPayload): string {
  switch (payload.event) {
    case 'sla.digest':
      return 'digest';
    case 'report.export':
      return 'report-export';
    default:
      return 'notify';
  }
}

/** A conversation as the core knows it, for conversationRef(). */
export interface ConversationFacts {
  channel: string;
  /** The conversation's id within its channel. */
  externalId: string;
  title: string | null;
  /** The channel's id of the message that opened the inquiry; omitted from the ref when not given. */
  openingMessageId?: string | null;
  /** The opening message's stored link; anything but an http(s) URL becomes null. */
  link?: string | null;
}

/**
 * The `conversation` of a payload. `link` is always there: the opening message's link when
 * the channel gave one (a Telegram t.me link, an HTTP sender's URL), else null (mail, a basic
 * Telegram group, an inquiry older than links). It is checked again here, so whatever reached
 * the database, a payload carries only an absolute http(s) URL.
 */
export function conversationRef(facts: ConversationFacts): ConversationRef {
  return {
    channel: facts.channel,
    id: facts.externalId,
    title: facts.title,
    ...(facts.openingMessageId === undefined ? {} : { openingMessageId: facts.openingMessageId }),
    link: httpLink(facts.link) ?? null,
  };
}

export function titleOf(conversation: ConversationRef): string {
  return conversation.title ?? `${conversation.channel} ${conversation.id}`;
}

export function inquiryOpened(input: Omit<InquiryOpenedPayload, 'event' | 'text'>): InquiryOpenedPayload {
  return { event: 'inquiry.opened', text: `🆕 New inquiry — ${titleOf(input.conversation)}`, ...input };
}

export function inquiryAnswered(input: Omit<InquiryAnsweredPayload, 'event' | 'text'>): InquiryAnsweredPayload {
  const after = input.firstResponseMs === null ? '' : ` after ${Math.max(0, Math.round(input.firstResponseMs / 60_000))} min`;
  return { event: 'inquiry.answered', text: `✅ Answered${after} — ${titleOf(input.conversation)}`, ...input };
}

export function inquiryResolved(input: Omit<InquiryResolvedPayload, 'event' | 'text'>): InquiryResolvedPayload {
  return { event: 'inquiry.resolved', text: `☑️ Resolved by ${input.by} — ${titleOf(input.conversation)}${input.reason ? `: ${input.reason}` : ''}`, ...input };
}

/** A mark or the breach: `text` is the runbook's message with its emoji. */
export function slaPoint(input: Omit<SlaMarkPayload, 'event'> | Omit<SlaBreachPayload, 'event'>): SlaMarkPayload | SlaBreachPayload {
  return input.level === 'breach' ? { event: 'sla.breach', ...input, level: 'breach' } : { event: 'sla.mark', ...input, level: input.level };
}

export function escalation(input: Omit<EscalationPayload, 'event'>): EscalationPayload {
  return { event: 'inquiry.escalated', ...input };
}

export function slaDigest(): SlaDigestPayload {
  return { event: 'sla.digest', text: 'Too many alerts at once; the rest of this minute:', items: [] };
}

export function reportExport(input: Omit<ReportExportPayload, 'event'>): ReportExportPayload {
  return { event: 'report.export', ...input };
}

export function operatorNotice(input: Omit<OperatorNoticePayload, 'event'>): OperatorNoticePayload {
  return { event: 'operator.notice', ...input };
}
