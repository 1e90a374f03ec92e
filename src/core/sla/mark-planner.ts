import { httpLink } from '../../plugins/sdk/links';
import { type BusinessCalendar } from './business-calendar';
import { markOffset, type Policy } from './policy.schema';

/**
 * The points on an inquiry's business clock where the hub acts, in order: the policy's marks
 * (before the deadline) and then its escalation steps (after it). `next_mark` indexes this list.
 */
export type SlaPoint = { kind: 'mark'; index: number; offsetMs: number } | { kind: 'escalation'; index: number; offsetMs: number };

export function slaPoints(policy: Policy): SlaPoint[] {
  return [
    ...policy.marks.map((mark, index) => ({ kind: 'mark' as const, index, offsetMs: markOffset(policy, mark) })),
    ...policy.escalation.map((step, index) => ({ kind: 'escalation' as const, index, offsetMs: policy.target + step.after })),
  ];
}

export interface MarkDecision {
  /** The mark to send now, if any: the most severe of those that came due. */
  fire?: { index: number; dueAt: number; lateByMs: number; skipped: number[] };
  /** Index of the first mark not yet due. */
  nextMark: number;
  /** When that mark falls due; null when none is left. */
  nextAttentionAt: number | null;
}

/** Points later than this after their instant are reported as late (downtime, a busy database). */
export const LATE_AFTER_MS = 1000;

/**
 * Which marks of an open inquiry are due at `now`. When several came due while the hub was
 * down, only the most severe (the latest) is sent and the others are recorded as skipped:
 * a duty chat needs "SLA MISS", not three stale warnings in a row.
 */
export function planMarks(policy: Policy, calendar: BusinessCalendar, openedAt: number, nextMark: number, now: number, pausedMs = 0): MarkDecision {
  // Time on hold does not count: every mark moves later by it.
  const instants = slaPoints(policy).map((point) => calendar.addBusiness(openedAt, point.offsetMs + pausedMs));
  let index = nextMark;
  const due: number[] = [];
  while (index < instants.length && (instants[index] as number) <= now) due.push(index++);
  const nextAttentionAt = index < instants.length ? (instants[index] as number) : null;
  const last = due[due.length - 1];
  if (last === undefined) return { nextMark: index, nextAttentionAt };
  const dueAt = instants[last] as number;
  return { fire: { index: last, dueAt, lateByMs: now - dueAt, skipped: due.slice(0, -1) }, nextMark: index, nextAttentionAt };
}

/** What a mark's or an escalation step's message can name. */
export interface MarkValues {
  /** The conversation's title, or `<channel> <id>` when it has none. */
  title: string;
  policy: string;
  /** Business time left to the deadline, e.g. `15 min`. */
  left: string;
  /** Time past the deadline, e.g. `1 h 5 min`. */
  overdue: string;
  /** The conversation's link (ConversationRef.link), when known. */
  link?: string | null;
}

/**
 * Fills {title}, {left}, {overdue}, {policy} and {link} into a mark's (or an escalation
 * step's) message; any other {word} stays as written.
 *
 * {link} is where a person opens the conversation: the Telegram message that opened the
 * inquiry, or the link an HTTP sender gave, always an http(s) URL. Where none is known (mail, a
 * basic Telegram group, an inquiry stored before links were kept) it is an empty string, and
 * the whitespace it leaves at the end of the message is dropped: write it last, as in
 * `SLA MISS — {title} {link}`. Connectors show the link on their own as well (a linked title,
 * an "Open conversation" button), so a template need not name it.
 */
export function renderMarkMessage(template: string, values: MarkValues): string {
  const link = httpLink(values.link) ?? '';
  const filled = renderMessage(template, { title: values.title, policy: values.policy, left: values.left, overdue: values.overdue, link });
  return link === '' && template.includes('{link}') ? filled.trimEnd() : filled;
}

/** Fills `{name}` from `values`; a name without a value stays as written. */
export function renderMessage(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function formatMinutes(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
