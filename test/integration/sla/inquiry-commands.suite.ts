import { EventEmitter2 } from '@nestjs/event-emitter';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { InquiryCommands } from '../../../src/core/inquiries/inquiry-commands';
import { RulesStore } from '../../../src/core/rules/rules-store';
import { rules } from '../../support/intake-harness';
import { createSla, customer, markDeliveries, seedRules, seedRulesInput, staff } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const NOON = Date.parse('2026-11-02T09:00:00Z'); // Monday 12:00 Moscow
const min = (n: number) => NOON + n * 60_000;
const by = { by: 'admin' };

describe(`hold, resume, resolve, escalate (${testBackend})`, () => {
  const context = useTestDatabase();

  function setup() {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock);
    const commands = new InquiryCommands(context.db, clock, new RulesStore(seedRules), new EventEmitter2());
    return { clock, intake, scheduler, commands };
  }

  it('pauses the clock on hold and shifts the deadline and marks by the time held', async () => {
    const { clock, intake, scheduler, commands } = setup();
    const { inquiryId } = await intake.accept('http', customer('c1', min(0), 'm1'));
    await clock.advanceTo(min(10));
    expect(await commands.run('hold', inquiryId!, { by: 'staff:7', reason: 'waiting for logs' })).toMatchObject({ ok: true, status: 'on_hold' });
    await clock.advanceTo(min(50)); // ⚡ would have fired at 12:45 without the hold
    expect(await scheduler.runOnce()).toEqual([]);
    await commands.run('resume', inquiryId!, by);
    const [row] = await context.db.query<{ due_at: Date; next_attention_at: Date; paused_business_ms: number }>(
      `SELECT due_at, next_attention_at, paused_business_ms FROM inquiries`,
    );
    expect(row).toEqual({ due_at: new Date(min(100)), next_attention_at: new Date(min(85)), paused_business_ms: 40 * 60_000 });
    await clock.advanceTo(min(85));
    expect((await scheduler.runOnce()).map((f) => f.level)).toEqual(['warning']);
  });

  it('measures first response without the time on hold, also when answered during the hold', async () => {
    const { clock, intake, commands } = setup();
    const { inquiryId } = await intake.accept('http', customer('c1', min(0), 'm1'));
    await clock.advanceTo(min(20));
    await commands.run('hold', inquiryId!, by);
    await clock.advanceTo(min(90));
    await intake.accept('http', staff('c1', min(90), 'm2'));
    expect(await context.db.query(`SELECT status, frt_business_ms, breached FROM inquiries`)).toEqual([
      { status: 'answered', frt_business_ms: 20 * 60_000, breached: false },
    ]);
  });

  it('resolves an inquiry: no more marks, and the next customer message opens a new one', async () => {
    const { clock, intake, scheduler, commands } = setup();
    const first = await intake.accept('http', customer('c1', min(0), 'm1'));
    await commands.run('resolve', first.inquiryId!, { by: 'staff:7', reason: 'solved by phone' });
    await clock.advanceTo(min(70));
    expect(await scheduler.runOnce()).toEqual([]);
    const next = await intake.accept('http', customer('c1', min(70), 'm2'));
    expect(next).toMatchObject({ effect: 'opened' });
    expect(next.inquiryId).not.toBe(first.inquiryId);
    const log = await context.db.query<{ type: string; actor: string; reason: string | null }>(
      `SELECT type, actor, reason FROM inquiry_events WHERE inquiry_id = $1 ORDER BY id`,
      [first.inquiryId],
    );
    expect(log).toEqual([
      { type: 'opened', actor: 'customer:client', reason: null },
      { type: 'resolved', actor: 'staff:7', reason: 'solved by phone' },
    ]);
  });

  it('tells the targets under notify.inquiryResolved, once, with who resolved it and why, and where the conversation is', async () => {
    const clock = new VirtualClock(min(0));
    const runbook = rules({ ...seedRulesInput, notify: { inquiryResolved: ['duty'] } });
    const { intake } = createSla(context.db, clock, runbook);
    const commands = new InquiryCommands(context.db, clock, new RulesStore(runbook), new EventEmitter2());
    const { inquiryId } = await intake.accept('http', { ...customer('c1', min(0), 'm1'), link: 'https://desk.example.com/t/c1' });
    expect(await commands.run('resolve', inquiryId!, { by: 'staff:7', reason: 'solved by phone' })).toMatchObject({ ok: true, deliveries: 1 });
    expect(await commands.run('resolve', inquiryId!, { by: 'staff:7' })).toMatchObject({ ok: false, code: 'conflict' });
    const rows = await context.db.query<{ idempotency_key: string; payload: Record<string, unknown> }>(`SELECT idempotency_key, payload FROM deliveries`);
    expect(rows).toEqual([
      {
        idempotency_key: `inquiry:${inquiryId}:resolved:duty`,
        payload: expect.objectContaining({
          event: 'inquiry.resolved',
          inquiryId,
          by: 'staff:7',
          reason: 'solved by phone',
          text: expect.stringMatching(/^☑️ Resolved by staff:7 — .*: solved by phone$/) as string,
          conversation: expect.objectContaining({ channel: 'http', id: 'c1', openingMessageId: 'm1', link: 'https://desk.example.com/t/c1' }) as unknown,
        }) as unknown,
      },
    ]);
  });

  it('escalates to the duty targets once per cooldown', async () => {
    const { clock, intake, commands } = setup();
    const { inquiryId } = await intake.accept('http', customer('c1', min(0), 'm1'));
    expect(await commands.run('escalate', inquiryId!, { by: 'staff:7', reason: 'VIP' })).toMatchObject({ ok: true, deliveries: 1 });
    await clock.advanceTo(min(30));
    expect(await commands.run('escalate', inquiryId!, by)).toEqual({ ok: false, code: 'cooldown', message: 'escalated recently; the next escalation is possible in 30 min' });
    await clock.advanceTo(min(61));
    expect(await commands.run('escalate', inquiryId!, by)).toMatchObject({ ok: true, deliveries: 1 });
    const rows = await context.db.query<{ payload: { text: string } }>(`SELECT payload FROM deliveries WHERE payload->>'event' = 'inquiry.escalated' ORDER BY created_at`);
    expect(rows.map((r) => r.payload.text)).toEqual(['🚨 Escalated by staff:7 — Chat c1: VIP', '🚨 Escalated by admin — Chat c1']);
    expect(await markDeliveries(context.db)).toEqual([]);
  });

  it('refuses commands that do not fit the status, and unknown inquiries', async () => {
    const { intake, commands } = setup();
    const { inquiryId } = await intake.accept('http', customer('c1', min(0), 'm1'));
    expect(await commands.run('resume', inquiryId!, by)).toMatchObject({ ok: false, code: 'conflict' });
    await intake.accept('http', staff('c1', min(5), 'm2'));
    expect(await commands.run('hold', inquiryId!, by)).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('status answered') as string });
    expect(await commands.run('hold', '00000000-0000-4000-8000-000000000000', by)).toMatchObject({ ok: false, code: 'not_found' });
  });
});
