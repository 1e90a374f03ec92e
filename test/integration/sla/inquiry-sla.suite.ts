import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { createIntake, rules } from '../../support/intake-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const seedRules = rules({
  calendars: { support: { timezone: 'Europe/Moscow', week: { 'mon-fri': ['03:00-23:00'], 'sat-sun': ['10:00-19:00'] }, holidays: { dates: ['2026-11-04'] } } },
  policies: [
    {
      name: 'default',
      target: '60m',
      calendar: 'support',
      marks: [
        { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left' },
        { before: '5m', level: 'critical', emoji: '❗', message: '5 minutes left' },
        { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS' },
      ],
    },
  ],
});

function msg(conversation: string, role: 'customer' | 'staff', at: string, id: string) {
  return { conversation: { id: conversation }, id, text: 'hello', sentAt: new Date(at), author: { id: role, role } };
}

describe(`SLA recorded at intake (${testBackend})`, () => {
  const context = useTestDatabase();

  it('sets the policy, the business-time deadline and the first mark when an inquiry opens', async () => {
    const { intake } = createIntake(context.db, { rules: seedRules, clock: new VirtualClock('2026-11-10T00:00:00Z') });
    // Tuesday 22:30 Moscow: 30 minutes left today, the rest carries over to Thursday (Wednesday is a holiday).
    await intake.accept('http', msg('c1', 'customer', '2026-11-03T19:30:00Z', 'm1'));
    const [row] = await context.db.query<Record<string, unknown>>(`SELECT policy, calendar, due_at, next_attention_at, next_mark, breached FROM inquiries`);
    expect(row).toEqual({
      policy: 'default',
      calendar: 'support',
      due_at: new Date('2026-11-05T00:30:00Z'), // Thu 03:30 Moscow
      next_attention_at: new Date('2026-11-05T00:15:00Z'), // ⚡ at 45 business minutes: Thu 03:15
      next_mark: 0,
      breached: null,
    });
  });

  it('records first response in business and calendar time, and whether the deadline was missed', async () => {
    const { intake } = createIntake(context.db, { rules: seedRules, clock: new VirtualClock('2026-11-10T00:00:00Z') });
    await intake.accept('http', msg('c2', 'customer', '2026-11-02T09:00:00Z', 'a1')); // Mon 12:00 Moscow
    await intake.accept('http', msg('c2', 'staff', '2026-11-02T09:57:00Z', 'a2')); // 12:57
    await intake.accept('http', msg('c3', 'customer', '2026-11-03T19:30:00Z', 'b1')); // Tue 22:30
    await intake.accept('http', msg('c3', 'staff', '2026-11-05T00:45:00Z', 'b2')); // Thu 03:45: 75 business minutes
    const rows = await context.db.query<{ external_id: string; frt_business_ms: number; first_response_ms: number; breached: boolean; next_attention_at: Date | null }>(
      `SELECT c.external_id, i.frt_business_ms, i.first_response_ms, i.breached, i.next_attention_at
       FROM inquiries i JOIN conversations c ON c.id = i.conversation_id ORDER BY c.external_id`,
    );
    expect(rows).toEqual([
      { external_id: 'c2', frt_business_ms: 57 * 60_000, first_response_ms: 57 * 60_000, breached: false, next_attention_at: null },
      { external_id: 'c3', frt_business_ms: 75 * 60_000, first_response_ms: (29 * 60 + 15) * 60_000, breached: true, next_attention_at: null },
    ]);
  });

  it('moves the deadline when an earlier customer message arrives late, keeping the policy', async () => {
    const { intake } = createIntake(context.db, { rules: seedRules, clock: new VirtualClock('2026-11-10T00:00:00Z') });
    await intake.accept('http', msg('c4', 'customer', '2026-11-02T09:30:00Z', 'x2'));
    await intake.accept('http', msg('c4', 'customer', '2026-11-02T09:00:00Z', 'x1'));
    const [row] = await context.db.query<{ due_at: Date; policy: string }>(`SELECT due_at, policy FROM inquiries`);
    expect(row).toEqual({ due_at: new Date('2026-11-02T10:00:00Z'), policy: 'default' });
  });

  it('leaves SLA columns empty when the runbook has no policies', async () => {
    const { intake } = createIntake(context.db);
    await intake.accept('http', msg('c5', 'customer', '2026-11-02T09:00:00Z', 'y1'));
    expect(await context.db.query(`SELECT policy, due_at FROM inquiries`)).toEqual([{ policy: null, due_at: null }]);
  });
});
