import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, type Clock } from '../clock/clock';
import { OUTBOX_ENQUEUED } from '../events/domain-events';
import { conversationRef, escalation, inquiryResolved, toDutyTargets } from '../outbox/payload-builder';
import { ticketResolveDeliveries } from '../tickets/ticket-deliveries';
import { enqueueDeliveries } from '../outbox/outbox-writer';
import { DATABASE, type Database, type Sql } from '../persistence/database';
import { type InquiryStatus } from '../persistence/statuses';
import { RulesStore } from '../rules/rules-store';
import { applySla } from '../sla/apply-sla';

export type InquiryCommand = 'hold' | 'resume' | 'resolve' | 'escalate';

export interface CommandInput {
  /** Who asks: `staff:<id>`, `admin`, a duty engineer's name. */
  by: string;
  reason?: string;
}

export type CommandOutcome =
  | { ok: true; status: InquiryStatus; deliveries: number }
  | { ok: false; code: 'not_found' | 'conflict' | 'cooldown'; message: string };

interface Locked {
  id: string;
  status: InquiryStatus;
  held_at: Date | null;
  policy: string | null;
  conversation_id: number;
  channel: string;
  external_id: string;
  title: string | null;
  opening_message_id: string | null;
  opening_link: string | null;
}

export const INQUIRY_COMMAND_EVENT = 'inquiry.command';

/**
 * Hold, resume, resolve and escalate: the operations duty engineers trigger from Telegram or
 * the admin API. Each locks the conversation first (the same order as intake), changes the
 * inquiry, appends to its event log and writes any deliveries, in one transaction.
 */
@Injectable()
export class InquiryCommands {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesStore,
    private readonly events: EventEmitter2,
  ) {}

  async run(command: InquiryCommand, inquiryId: string, input: CommandInput): Promise<CommandOutcome> {
    const outcome = await this.db.transaction(async (sql) => {
      const inquiry = await lock(sql, inquiryId);
      if (!inquiry) return { ok: false as const, code: 'not_found' as const, message: `no inquiry ${inquiryId}` };
      const now = new Date(this.clock.now());
      switch (command) {
        case 'hold':
          return this.hold(sql, inquiry, input, now);
        case 'resume':
          return this.resume(sql, inquiry, input, now);
        case 'resolve':
          return this.resolve(sql, inquiry, input, now);
        case 'escalate':
          return this.escalate(sql, inquiry, input, now);
      }
    });
    if (outcome.ok) {
      this.events.emit(INQUIRY_COMMAND_EVENT, { command, inquiryId, by: input.by });
      if (outcome.deliveries > 0) this.events.emit(OUTBOX_ENQUEUED, outcome.deliveries);
    }
    return outcome;
  }

  private async hold(sql: Sql, inquiry: Locked, input: CommandInput, now: Date): Promise<CommandOutcome> {
    if (inquiry.status !== 'open') return conflict(inquiry, 'hold', 'only a waiting inquiry can be put on hold');
    await sql.query(`UPDATE inquiries SET status = 'on_hold', held_at = $2, next_attention_at = NULL, updated_at = $2 WHERE id = $1`, [inquiry.id, now]);
    await event(sql, inquiry.id, 'held', input, now);
    return { ok: true, status: 'on_hold', deliveries: 0 };
  }

  private async resume(sql: Sql, inquiry: Locked, input: CommandInput, now: Date): Promise<CommandOutcome> {
    if (inquiry.status !== 'on_hold' || inquiry.held_at === null) return conflict(inquiry, 'resume', 'only an inquiry on hold can be resumed');
    const { rules, sla } = this.rules.current;
    const policy = rules.policies.find((p) => p.name === inquiry.policy);
    const paused = policy ? sla.calendar(policy.calendar).businessBetween(new Date(inquiry.held_at).getTime(), now.getTime()) : 0;
    await sql.query(
      `UPDATE inquiries SET status = 'open', held_at = NULL, paused_business_ms = paused_business_ms + $2, updated_at = $3 WHERE id = $1`,
      [inquiry.id, paused, now],
    );
    await event(sql, inquiry.id, 'resumed', input, now, { pausedBusinessMs: paused });
    await applySla(sql, [inquiry.id], sla);
    return { ok: true, status: 'open', deliveries: 0 };
  }

  private async resolve(sql: Sql, inquiry: Locked, input: CommandInput, now: Date): Promise<CommandOutcome> {
    if (inquiry.status !== 'open' && inquiry.status !== 'on_hold') return conflict(inquiry, 'resolve', 'it is no longer waiting');
    await sql.query(
      `UPDATE inquiries SET status = 'resolved', closed_at = $2, held_at = NULL, next_attention_at = NULL, updated_at = $2 WHERE id = $1`,
      [inquiry.id, now],
    );
    await event(sql, inquiry.id, 'resolved', input, now);
    const { rules } = this.rules.current;
    const payload = inquiryResolved({
      inquiryId: inquiry.id,
      conversation: conversationOf(inquiry),
      policy: inquiry.policy,
      at: now.toISOString(),
      by: input.by,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    const deliveries = [
      ...toDutyTargets(rules, rules.notify.inquiryResolved, { key: (target) => `inquiry:${inquiry.id}:resolved:${target}`, payload, inquiryId: inquiry.id }),
      ...(await ticketResolveDeliveries(sql, rules, { id: inquiry.id, conversation: payload.conversation, policy: inquiry.policy }, input.by, now)),
    ];
    return { ok: true, status: 'resolved', deliveries: await enqueueDeliveries(sql, deliveries, now) };
  }

  private async escalate(sql: Sql, inquiry: Locked, input: CommandInput, now: Date): Promise<CommandOutcome> {
    if (inquiry.status !== 'open' && inquiry.status !== 'on_hold') return conflict(inquiry, 'escalate', 'it is no longer waiting');
    const { rules } = this.rules.current;
    const policy = rules.policies.find((p) => p.name === inquiry.policy);
    const cooldown = policy?.cooldowns.escalation ?? 3_600_000;
    const [last] = await sql.query<{ recorded_at: Date }>(
      `SELECT recorded_at FROM inquiry_events WHERE inquiry_id = $1 AND type = 'escalated' ORDER BY id DESC LIMIT 1`,
      [inquiry.id],
    );
    if (last && now.getTime() - new Date(last.recorded_at).getTime() < cooldown) {
      const minutes = Math.ceil((cooldown - (now.getTime() - new Date(last.recorded_at).getTime())) / 60_000);
      return { ok: false, code: 'cooldown', message: `escalated recently; the next escalation is possible in ${minutes} min` };
    }
    // The policy's first escalation step says whom to tell; without one, every duty target.
    const step = policy?.escalation[0];
    const names = step ? step.actions.flatMap((a) => ('notify' in a ? a.notify : [])) : rules.duty.targets.map((t) => t.name);
    const [seq] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM inquiry_events WHERE inquiry_id = $1 AND type = 'escalated'`, [inquiry.id]);
    const title = inquiry.title ?? `${inquiry.channel} ${inquiry.external_id}`;
    const payload = escalation({
      trigger: 'manual',
      text: `🚨 Escalated by ${input.by} — ${title}${input.reason ? `: ${input.reason}` : ''}`,
      inquiryId: inquiry.id,
      conversation: conversationOf(inquiry),
      policy: inquiry.policy,
      by: input.by,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    const deliveries = toDutyTargets(rules, names, { key: (target) => `inquiry:${inquiry.id}:escalation:manual-${seq?.n ?? 0}:${target}`, payload, inquiryId: inquiry.id });
    const written = await enqueueDeliveries(sql, deliveries, now);
    await event(sql, inquiry.id, 'escalated', input, now, { deliveries: written });
    return { ok: true, status: inquiry.status, deliveries: written };
  }
}

function conversationOf(inquiry: Locked) {
  return conversationRef({ channel: inquiry.channel, externalId: inquiry.external_id, title: inquiry.title, openingMessageId: inquiry.opening_message_id, link: inquiry.opening_link });
}

async function lock(sql: Sql, inquiryId: string): Promise<Locked | undefined> {
  const [ref] = await sql.query<{ conversation_id: number }>(`SELECT conversation_id FROM inquiries WHERE id = $1`, [inquiryId]);
  if (!ref) return undefined;
  await sql.query(`SELECT id FROM conversations WHERE id = $1 FOR UPDATE`, [ref.conversation_id]);
  const [row] = await sql.query<Locked>(
    `SELECT i.id, i.status, i.held_at, i.policy, i.conversation_id, c.channel, c.external_id, c.title,
       (SELECT m.external_id FROM messages m WHERE m.id = i.first_message_id) AS opening_message_id,
       (SELECT m.link FROM messages m WHERE m.id = i.first_message_id) AS opening_link
     FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE i.id = $1 FOR UPDATE OF i`,
    [inquiryId],
  );
  return row;
}

async function event(sql: Sql, inquiryId: string, type: string, input: CommandInput, now: Date, data: Record<string, unknown> = {}): Promise<void> {
  await sql.query(
    `INSERT INTO inquiry_events (inquiry_id, type, actor, reason, occurred_at, recorded_at, data) VALUES ($1, $2, $3, $4, $5, $5, $6)`,
    [inquiryId, type, input.by, input.reason ?? null, now, JSON.stringify(data)],
  );
}

function conflict(inquiry: Locked, command: InquiryCommand, why: string): CommandOutcome {
  return { ok: false, code: 'conflict', message: `cannot ${command} inquiry ${inquiry.id} (status ${inquiry.status}): ${why}` };
}
