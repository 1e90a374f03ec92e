import { type Rules } from '../config/rules.schema';
import { type MarkLevel } from '../../plugins/sdk/payloads';
import { conversationRef, escalation, slaPoint, toDutyTargets } from '../outbox/payload-builder';
import { enqueueDeliveries, type NewDelivery } from '../outbox/outbox-writer';
import { ticketDeliveries, ticketMentions } from '../tickets/ticket-deliveries';
import { type Sql } from '../persistence/database';
import { formatMinutes, LATE_AFTER_MS, renderMarkMessage, type SlaPoint } from './mark-planner';
import { type Policy } from './policy.schema';
import { type StormGuard } from './storm-guard';

export interface DueInquiry {
  id: string;
  due_at: Date;
  channel: string;
  external_id: string;
  title: string | null;
  /** The channel's id of the message that opened the inquiry, for links to it. */
  opening_message_id: string | null;
  /** The link of that message, where its channel gave one. */
  opening_link: string | null;
}

export interface FiredMark {
  inquiryId: string;
  index: number;
  kind: SlaPoint['kind'];
  level: string;
  emoji: string;
  text: string;
  late: boolean;
  lateByMs: number;
  deliveries: number;
  /** An escalation inside the cooldown is recorded but not sent. */
  suppressed: boolean;
}

/**
 * Performs one point of an inquiry's clock inside the scheduler's transaction: the deliveries
 * its actions ask for (keyed per inquiry, point and target, so it can never be sent twice)
 * and the event that records it.
 */
export async function firePoint(
  sql: Sql,
  inquiry: DueInquiry,
  policy: Policy,
  rules: Rules,
  point: SlaPoint,
  fire: { dueAt: number; lateByMs: number; skipped: number[] },
  now: Date,
  storm: StormGuard,
): Promise<FiredMark> {
  const what = point.kind === 'mark' ? policy.marks[point.index] : policy.escalation[point.index];
  if (!what) throw new Error(`policy ${policy.name} has no ${point.kind} ${point.index}`);
  const level = 'level' in what ? what.level : 'escalation';
  const emoji = 'emoji' in what ? what.emoji : '🚨';
  const late = fire.lateByMs > LATE_AFTER_MS;
  const dueAt = new Date(inquiry.due_at).getTime();
  const conversation = conversationRef({
    channel: inquiry.channel,
    externalId: inquiry.external_id,
    title: inquiry.title,
    openingMessageId: inquiry.opening_message_id,
    link: inquiry.opening_link,
  });
  const text = renderMarkMessage(what.message, {
    title: inquiry.title ?? `${inquiry.channel} ${inquiry.external_id}`,
    policy: policy.name,
    left: formatMinutes(dueAt - fire.dueAt),
    overdue: formatMinutes(now.getTime() - dueAt),
    link: conversation.link,
  });
  const suppressed = point.kind === 'escalation' && (await inCooldown(sql, inquiry.id, policy.cooldowns.escalation, now));
  // Mentions ride along on every notification of this point; the connector renders them.
  const mentions = what.actions.flatMap((action) => ('mention' in action ? [action.mention] : []));
  // No ticket targets, no links to show: the scheduler's pass costs no query for them.
  const tickets = rules.tickets.targets.length > 0 ? await ticketMentions(sql, inquiry.id) : [];
  const common = {
    inquiryId: inquiry.id,
    conversation,
    policy: policy.name,
    dueAt: new Date(dueAt).toISOString(),
    markDueAt: new Date(fire.dueAt).toISOString(),
    emoji,
    text: `${emoji ? `${emoji} ` : ''}${text}`,
    late,
    ...(late ? { lateByMs: fire.lateByMs } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(tickets.length > 0 ? { tickets } : {}),
  };
  const payload =
    point.kind === 'mark'
      ? slaPoint({ ...common, level: level as MarkLevel, ...('runbook' in what && what.runbook ? { runbook: what.runbook } : {}) })
      : escalation({ ...common, trigger: 'policy', step: point.index, level: 'escalation' });
  const targets = suppressed ? [] : what.actions.flatMap((action) => ('notify' in action ? action.notify : []));
  const deliveries: NewDelivery[] = toDutyTargets(rules, targets, { key: (target) => `inquiry:${inquiry.id}:${point.kind}:${point.index}:${target}`, payload, inquiryId: inquiry.id });
  // Tickets are not alerts: the storm guard never folds them into a digest.
  const ticketTargets = suppressed ? [] : what.actions.flatMap((action) => ('createTicket' in action ? [action.createTicket.target] : []));
  const ticketWork = await ticketDeliveries(sql, rules, ticketTargets, { inquiryId: inquiry.id, conversation, policy: policy.name, dueAt: new Date(dueAt).toISOString() }, { key: `${point.kind}:${point.index}`, level, text: payload.text }, now);
  const written = (await storm.add(deliveries)) + (await enqueueDeliveries(sql, ticketWork, now));
  const reason = suppressed ? 'inside the escalation cooldown; not sent' : late ? `fired ${Math.round(fire.lateByMs / 1000)} s late` : null;
  await sql.query(
    `INSERT INTO inquiry_events (inquiry_id, type, actor, reason, occurred_at, recorded_at, data) VALUES ($1, $2, 'system', $3, $4, $5, $6)`,
    [
      inquiry.id,
      point.kind === 'mark' ? 'mark' : suppressed ? 'escalation_suppressed' : 'escalated',
      reason,
      new Date(fire.dueAt),
      now,
      JSON.stringify({ kind: point.kind, index: point.index, level, text, skipped: fire.skipped, deliveries: written }),
    ],
  );
  // Any point at or past the deadline means the deadline was missed, even if the breach
  // mark itself was skipped after downtime.
  if (point.offsetMs >= policy.target) await sql.query(`UPDATE inquiries SET breached = true WHERE id = $1`, [inquiry.id]);
  return { inquiryId: inquiry.id, index: point.index, kind: point.kind, level, emoji, text, late, lateByMs: fire.lateByMs, deliveries: written, suppressed };
}

async function inCooldown(sql: Sql, inquiryId: string, cooldownMs: number, now: Date): Promise<boolean> {
  const [last] = await sql.query<{ recorded_at: Date }>(
    `SELECT recorded_at FROM inquiry_events WHERE inquiry_id = $1 AND type = 'escalated' ORDER BY id DESC LIMIT 1`,
    [inquiryId],
  );
  return last !== undefined && now.getTime() - new Date(last.recorded_at).getTime() < cooldownMs;
}
