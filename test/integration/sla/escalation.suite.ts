import { EventEmitter2 } from '@nestjs/event-emitter';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { type Rules } from '../../../src/core/config/rules.schema';
import { InquiryCommands } from '../../../src/core/inquiries/inquiry-commands';
import { RulesStore } from '../../../src/core/rules/rules-store';
import { rules } from '../../support/intake-harness';
import { createSla, customer } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const NOON = Date.parse('2026-11-02T09:00:00Z');
const min = (n: number) => NOON + n * 60_000;

function runbook(cooldown: string): Rules {
  return rules({
    calendars: { always: { alwaysOpen: true } },
    duty: { targets: [{ name: 'duty', connector: 'log' }, { name: 'lead', connector: 'log', to: { chat: 'leads' } }] },
    policies: [
      {
        name: 'default',
        target: '60m',
        calendar: 'always',
        marks: [{ at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: ['duty'] }] }],
        escalation: [
          { after: '30m', message: '{overdue} overdue — {title}', actions: [{ notify: ['lead'] }, { mention: '@head_of_support' }] },
          { after: '90m', message: 'still open, {overdue} overdue — {title}', actions: [{ notify: ['lead'] }] },
        ],
        cooldowns: { escalation: cooldown },
      },
    ],
  });
}

async function escalations(db: ReturnType<typeof useTestDatabase>['db']) {
  return db.query<{ type: string; actor: string; reason: string | null }>(`SELECT type, actor, reason FROM inquiry_events WHERE type LIKE 'escalat%' ORDER BY id`);
}

describe(`escalation after the deadline (${testBackend})`, () => {
  const context = useTestDatabase();

  it('escalates at the configured offsets after the deadline, to other targets', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock, runbook('1h'));
    await intake.accept('http', customer('c1', min(0), 'm1'));
    const fired: string[] = [];
    for (const at of [60, 90, 150]) {
      await clock.advanceTo(min(at));
      fired.push(...(await scheduler.runOnce()).map((f) => `${at}:${f.kind}:${f.text}`));
    }
    expect(fired).toEqual(['60:mark:SLA MISS — Chat c1', '90:escalation:30 min overdue — Chat c1', '150:escalation:still open, 1 h 30 min overdue — Chat c1']);
    const targets = await context.db.query<{ target: { name: string }; payload: { mentions?: string[] } }>(`SELECT target, payload FROM deliveries ORDER BY created_at`);
    expect(targets.map((t) => t.target.name)).toEqual(['duty', 'lead', 'lead']);
    expect(targets.map((t) => t.payload.mentions ?? [])).toEqual([[], ['@head_of_support'], []]);
  });

  it('keeps to the cooldown: a step inside it is recorded, not sent', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock, runbook('2h'));
    await intake.accept('http', customer('c1', min(0), 'm1'));
    for (const at of [60, 90, 150]) {
      await clock.advanceTo(min(at));
      await scheduler.runOnce();
    }
    expect(await escalations(context.db)).toEqual([
      { type: 'escalated', actor: 'system', reason: null },
      { type: 'escalation_suppressed', actor: 'system', reason: 'inside the escalation cooldown; not sent' },
    ]);
  });

  it('counts a manual escalation against the cooldown of the automatic ones', async () => {
    const clock = new VirtualClock(min(0));
    const book = runbook('1h');
    const { intake, scheduler } = createSla(context.db, clock, book);
    const commands = new InquiryCommands(context.db, clock, new RulesStore(book), new EventEmitter2());
    const { inquiryId } = await intake.accept('http', customer('c1', min(0), 'm1'));
    await clock.advanceTo(min(70));
    await commands.run('escalate', inquiryId!, { by: 'staff:7' });
    await clock.advanceTo(min(90));
    await scheduler.runOnce();
    expect((await escalations(context.db)).map((e) => e.type)).toEqual(['escalated', 'escalation_suppressed']);
  });

  it('after long downtime sends only the latest due step, and records the breach', async () => {
    const clock = new VirtualClock(min(0));
    const { intake } = createSla(context.db, clock, runbook('1h'));
    await intake.accept('http', customer('c1', min(0), 'm1'));
    await clock.advanceTo(min(200));
    const fired = await createSla(context.db, clock, runbook('1h')).scheduler.runOnce();
    expect(fired.map((f) => [f.kind, f.index, f.late])).toEqual([['escalation', 1, true]]);
    expect(await context.db.query(`SELECT breached, next_attention_at FROM inquiries`)).toEqual([{ breached: true, next_attention_at: null }]);
  });
});
