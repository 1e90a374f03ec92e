/**
 * What a delivery carries, one documented shape per event. The hub builds every payload in
 * one place (core/outbox/payload-builder.ts); connectors read them. Part of the connector
 * contract: a new event or a new optional field is a minor version, anything else a major.
 *
 * Every payload has `event` (the discriminant) and `text`: a ready-to-show line in the
 * runbook's own words, so a connector that only posts text (a log, a chat webhook) needs no
 * formatting of its own.
 */

/** Where an inquiry lives. */
export interface ConversationRef {
  channel: string;
  /** The conversation's id within its channel (a chat id, `chatId:topicId`, a mail thread). */
  id: string;
  title: string | null;
  /** External id of the message that opened the inquiry, for a link straight to it. */
  openingMessageId?: string | null;
  /**
   * Where a person opens the conversation (since 2.4): a link to the message that opened the
   * inquiry (a Telegram `https://t.me/…` link) or to the conversation (the link an HTTP sender
   * gave). Always an absolute http(s) URL of at most 2048 characters (see `httpLink()`); null
   * or absent when the channel has none (mail) or the inquiry predates links.
   */
  link?: string | null;
}

interface InquiryPayloadBase {
  text: string;
  inquiryId: string;
  conversation: ConversationRef;
  /** The SLA policy, when one applies. */
  policy?: string | null;
  /** The first-response deadline (ISO 8601), when a policy applies. */
  dueAt?: string | null;
  /**
   * Helpdesk tickets the inquiry is linked to, made before this event (since 2.9; absent when
   * there are none). On SLA points and escalations, for a notification to show and link.
   */
  tickets?: TicketMention[];
}

/** A ticket as a notification shows it: its target, its key (or id) and where it opens. */
export interface TicketMention {
  target: string;
  key: string;
  url: string | null;
}

export interface InquiryOpenedPayload extends InquiryPayloadBase {
  event: 'inquiry.opened';
  /** When the customer wrote (ISO 8601). */
  at: string;
  actor: string;
}

export interface InquiryAnsweredPayload extends InquiryPayloadBase {
  event: 'inquiry.answered';
  at: string;
  actor: string;
  /** Wall-clock time from the customer's message to the answer. */
  firstResponseMs: number | null;
}

export interface InquiryResolvedPayload extends InquiryPayloadBase {
  event: 'inquiry.resolved';
  at: string;
  by: string;
  reason?: string;
}

export type MarkLevel = 'info' | 'warning' | 'critical' | 'breach';

interface SlaPointPayload extends InquiryPayloadBase {
  level: MarkLevel | 'escalation';
  emoji: string;
  /** When this point was due on the inquiry's clock (ISO 8601). */
  markDueAt: string;
  /** Fired after downtime, later than its time. */
  late: boolean;
  lateByMs?: number;
  runbook?: string;
  /** People to mention (@handles or ids as written in the runbook); the connector renders them. */
  mentions?: string[];
}

/** A warning mark before the deadline (⚡ 45 min, ❗ 55 min by default). */
export interface SlaMarkPayload extends SlaPointPayload {
  event: 'sla.mark';
  level: Exclude<MarkLevel, 'breach'>;
}

/** The deadline itself has passed (⚠️ at 60 min by default). */
export interface SlaBreachPayload extends SlaPointPayload {
  event: 'sla.breach';
  level: 'breach';
}

/** An escalation: a policy step after the deadline, or a person's /escalate. */
export interface EscalationPayload extends InquiryPayloadBase {
  event: 'inquiry.escalated';
  trigger: 'policy' | 'manual';
  /** The policy's escalation step (0-based), for `trigger: policy`. */
  step?: number;
  /** Who escalated, for `trigger: manual`. */
  by?: string;
  reason?: string;
  level?: 'escalation';
  emoji?: string;
  markDueAt?: string;
  late?: boolean;
  lateByMs?: number;
  mentions?: string[];
}

export interface DigestItem {
  text: string;
  inquiryId: string | null;
  conversation?: ConversationRef;
}

/** Alerts gathered into one message when too many fire at once (the storm guard). */
export interface SlaDigestPayload {
  event: 'sla.digest';
  text: string;
  items: DigestItem[];
}

/** A scheduled SLA digest: the figures for a period, as text. */
export interface ReportDigestPayload {
  event: 'report.digest';
  text: string;
}

/** A scheduled CSV export; the connector builds the file at delivery time (see ReportService.csv). */
export interface ReportExportPayload {
  event: 'report.export';
  text: string;
  job: string;
  /** The period's label, e.g. `2026-Q4`. */
  label: string;
  from: string;
  to: string;
  timezone: string;
  /** Start the file with a UTF-8 byte order mark (for spreadsheet programs). */
  bom: boolean;
}

/**
 * Something operators should know that is not about one inquiry's clock: a command
 * confirmed, a holiday feed failing, a connector's credentials rejected.
 */
export interface OperatorNoticePayload {
  event: 'operator.notice';
  /** What the notice is about, e.g. `command.confirmed`, `holidays.failed`. */
  topic: string;
  text: string;
  inquiryId?: string;
  conversation?: ConversationRef;
}

/**
 * Which helpdesk ticket a ticket event is about (since 2.9). The hub keeps one ticket per
 * conversation and ticket target while it is open; `ref` names that link and never changes,
 * so it is what a connector gives the peer as its stable key (Tracker's `unique`, Zendesk's
 * `external_id` and `Idempotency-Key`).
 */
export interface TicketRef {
  ref: string;
  /** The helpdesk's id of the ticket: null on `ticket.create`, known on every later event. */
  id: string | null;
  /** A human key where the helpdesk has one (Tracker's `SUPPORT-42`), else null. */
  key: string | null;
  /** Where a person opens the ticket, when known. */
  url: string | null;
}

/** The customer, as far as the channel knows them: a helpdesk's requester. */
export interface TicketRequester {
  name: string | null;
  /** The author's id on the channel. */
  id: string | null;
  email: string | null;
}

/**
 * Create the ticket (since 2.9). The delivery's result must carry `ticket` (the peer's id, key
 * and link): later comments and the back-sync find the ticket through it. Creating twice must
 * be impossible: a retry after a lost answer finds the ticket made the first time through
 * `ticket.ref`.
 */
export interface TicketCreatePayload extends InquiryPayloadBase {
  event: 'ticket.create';
  ticket: TicketRef;
  summary: string;
  /** Plain text: the customer's first message, the SLA facts and the link to the conversation. */
  description: string;
  /** From the ticket target's mapping (policy, customer tier, level), in the helpdesk's words. */
  priority: string | null;
  tags: string[];
  /** Extra fields as the rules give them (custom fields), passed to the peer as they are. */
  fields: Record<string, unknown>;
  requester: TicketRequester;
  /** What asked for it: `inquiry.opened`, a mark level, or `escalation`. */
  reason: string;
}

/** Add a comment to the open ticket (since 2.9): an escalation, or a later inquiry in the conversation. */
export interface TicketCommentPayload extends InquiryPayloadBase {
  event: 'ticket.comment';
  ticket: TicketRef;
  /** `text` is the comment. `reason` says why: a mark level, `escalation`, or `inquiry.opened`. */
  reason: string;
}

/** Every inquiry the ticket carries is resolved in Replywatch (since 2.9): close it the target's way. */
export interface TicketResolvePayload extends InquiryPayloadBase {
  event: 'ticket.resolve';
  ticket: TicketRef;
  by: string;
}

export type TicketPayload = TicketCreatePayload | TicketCommentPayload | TicketResolvePayload;

export function isTicketPayload(payload: DeliveryPayload): payload is TicketPayload {
  return payload.event === 'ticket.create' || payload.event === 'ticket.comment' || payload.event === 'ticket.resolve';
}

export type DeliveryPayload =
  | TicketCreatePayload
  | TicketCommentPayload
  | TicketResolvePayload
  | InquiryOpenedPayload
  | InquiryAnsweredPayload
  | InquiryResolvedPayload
  | SlaMarkPayload
  | SlaBreachPayload
  | EscalationPayload
  | SlaDigestPayload
  | ReportDigestPayload
  | ReportExportPayload
  | OperatorNoticePayload;

export type DeliveryEvent = DeliveryPayload['event'];

export const DELIVERY_EVENTS: readonly DeliveryEvent[] = [
  'inquiry.opened',
  'inquiry.answered',
  'inquiry.resolved',
  'sla.mark',
  'sla.breach',
  'inquiry.escalated',
  'sla.digest',
  'report.digest',
  'report.export',
  'operator.notice',
  'ticket.create',
  'ticket.comment',
  'ticket.resolve',
];

/** The payloads that concern one inquiry (and carry its conversation). */
export type InquiryPayload = Extract<DeliveryPayload, { inquiryId: string; conversation: ConversationRef }>;

export function isInquiryPayload(payload: DeliveryPayload): payload is InquiryPayload {
  return 'inquiryId' in payload && typeof payload.inquiryId === 'string' && 'conversation' in payload && payload.conversation !== undefined && payload.event !== 'operator.notice';
}
