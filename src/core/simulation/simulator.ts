import { intakeSchema } from '../config/hub-config.schema';
import { StaffRoster } from '../staff/staff-roster';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DateTime } from 'luxon';
import { VirtualClock } from '../clock/virtual-clock';
import { type Rules } from '../config/rules.schema';
import { InquiryCommands } from '../inquiries/inquiry-commands';
import { INQUIRY_EVENT, type InquiryEventPayload } from '../events/domain-events';
import { IntakeService } from '../intake/intake.service';
import { Metrics } from '../observability/metrics';
import { type Database } from '../persistence/database';
import { RulesStore } from '../rules/rules-store';
import { formatMinutes } from '../sla/mark-planner';
import { type FiredMark, SlaScheduler } from '../sla/sla-scheduler';
import { type Scenario, type ScenarioEvent } from './scenario.schema';

/**
 * Runs a scenario through the real intake, scheduler and commands on a virtual clock and an
 * empty database, returning one line per thing the hub did. Nothing is sent anywhere: the
 * deliveries stay in the (throwaway) outbox. `onEvent` hears after each scenario event, for a
 * progress line.
 */
export async function simulate(db: Database, scenario: Scenario, rules: Rules, onEvent: (done: number, total: number) => void = () => undefined): Promise<string[]> {
  const start = DateTime.fromISO(scenario.start, { setZone: true });
  const at = (text: string) => (/^\d{2}:\d{2}$/.test(text) ? start.set({ hour: Number(text.slice(0, 2)), minute: Number(text.slice(3)) }) : DateTime.fromISO(text)).toMillis();
  const stamp = (ms: number) => DateTime.fromMillis(ms, { zone: start.zone }).toFormat('HH:mm');
  const clock = new VirtualClock(start.toMillis());
  const store = new RulesStore(rules);
  const events = new EventEmitter2();
  const lines: string[] = [];
  events.on(INQUIRY_EVENT.opened, (e: InquiryEventPayload) => lines.push(`${stamp(e.at.getTime())} inquiry opened (${e.conversation.id})`));

  const intake = new IntakeService(db, clock, intakeSchema.parse({ maxBatch: 50 }), store, events, new Metrics(), new StaffRoster(db, clock));
  const commands = new InquiryCommands(db, clock, store, events);
  const newScheduler = () => {
    const scheduler = new SlaScheduler(db, clock, () => store.current);
    scheduler.onFired = (mark) => lines.push(`${stamp(clock.now())} ${markLine(mark)}`);
    return scheduler;
  };
  let scheduler = newScheduler();
  let downUntil = -1;
  let sequence = 0;

  const ordered = [...scenario.events].sort((a, b) => at(a.at) - at(b.at));
  const end = scenario.until ? at(scenario.until) : at(ordered[ordered.length - 1]!.at);
  for (const [index, event] of ordered.entries()) {
    await runUntil(at(event.at));
    await apply(event);
    onEvent(index + 1, ordered.length);
  }
  await runUntil(end);
  return lines;

  /** Moves time forward, firing marks at their instants while the hub is up. */
  async function runUntil(target: number): Promise<void> {
    for (;;) {
      const next = await nextDue();
      const upAt = Math.max(next ?? Infinity, downUntil);
      if (next === null || upAt > target) break;
      await clock.advanceTo(Math.max(clock.now(), upAt));
      if (clock.now() >= downUntil && downUntil >= 0) {
        lines.push(`${stamp(clock.now())} hub back up`);
        downUntil = -1;
        scheduler = newScheduler();
      }
      await scheduler.runOnce();
    }
    await clock.advanceTo(Math.max(clock.now(), target));
    if (downUntil >= 0 && clock.now() >= downUntil) {
      lines.push(`${stamp(downUntil)} hub back up`);
      downUntil = -1;
      scheduler = newScheduler();
      await scheduler.runOnce();
    }
  }

  async function nextDue(): Promise<number | null> {
    const [row] = await db.query<{ at: Date | null }>(`SELECT min(next_attention_at) AS at FROM inquiries WHERE status = 'open' AND next_attention_at IS NOT NULL`);
    return row?.at ? new Date(row.at).getTime() : null;
  }

  async function apply(event: ScenarioEvent): Promise<void> {
    const now = clock.now();
    if ('down' in event) {
      lines.push(`${stamp(now)} hub down for ${formatMinutes(event.down)}`);
      downUntil = now + event.down;
      return;
    }
    if ('customer' in event || 'staff' in event) {
      const role = 'customer' in event ? 'customer' : 'staff';
      const text = 'customer' in event ? event.customer : event.staff;
      const result = await intake.accept('simulation', {
        conversation: { id: event.conversation },
        id: `s${++sequence}`,
        text,
        sentAt: new Date(now),
        author: { id: role, role },
      });
      if (result.effect === 'answered' && result.inquiryId) lines.push(`${stamp(now)} ${await answeredLine(result.inquiryId)}`);
      return;
    }
    const [open] = await db.query<{ id: string }>(
      `SELECT i.id FROM inquiries i JOIN conversations c ON c.id = i.conversation_id
       WHERE c.external_id = $1 ORDER BY i.opened_at DESC LIMIT 1`,
      [event.conversation],
    );
    const command = 'hold' in event ? 'hold' : 'resume' in event ? 'resume' : 'resolve';
    if (!open) {
      lines.push(`${stamp(now)} ${command}: no inquiry in ${event.conversation}`);
      return;
    }
    const outcome = await commands.run(command, open.id, { by: 'simulation' });
    lines.push(`${stamp(now)} ${outcome.ok ? `${command} (${outcome.status})` : `${command} refused: ${outcome.message}`}`);
  }

  async function answeredLine(inquiryId: string): Promise<string> {
    const [row] = await db.query<{ frt_business_ms: number | null; first_response_ms: number; breached: boolean | null; due_at: Date | null; answered_at: Date }>(
      `SELECT frt_business_ms, first_response_ms, breached, due_at, answered_at FROM inquiries WHERE id = $1`,
      [inquiryId],
    );
    if (!row) return 'answered';
    const frt = formatMinutes(Number(row.frt_business_ms ?? row.first_response_ms));
    if (row.breached === null) return `answered in ${frt}`;
    if (!row.breached) return `answered in ${frt}, within SLA`;
    const overdue = formatMinutes(new Date(row.answered_at).getTime() - new Date(row.due_at as Date).getTime());
    return `answered in ${frt}, SLA missed by ${overdue}`;
  }
}

function markLine(mark: FiredMark): string {
  const text = mark.emoji ? `${mark.emoji} ${mark.text}` : mark.text;
  return mark.late ? `${text} (late by ${formatMinutes(mark.lateByMs)}, the hub was down)` : text;
}
