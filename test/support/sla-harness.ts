import { VirtualClock } from '../../src/core/clock/virtual-clock';
import { type Rules } from '../../src/core/config/rules.schema';
import { type Database } from '../../src/core/persistence/database';
import { SlaCatalog } from '../../src/core/sla/sla-catalog';
import { SlaScheduler } from '../../src/core/sla/sla-scheduler';
import { createIntake, rules } from './intake-harness';

/** The seed's policy on a calendar: 60 minutes, ⚡ 15 min left, ❗ 5 min left, ⚠️ SLA MISS, all to `duty`. */
export function seedPolicy(calendar: string) {
  return {
    name: 'default',
    target: '60m',
    calendar,
    marks: [
      { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}', actions: [{ notify: ['duty'] }] },
      { before: '5m', level: 'critical', emoji: '❗', message: '5 minutes left — {title}', actions: [{ notify: ['duty'] }] },
      { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: ['duty'] }] },
    ],
  };
}

/** The seed's runbook as written: the seed policy in Moscow business hours. */
export const seedRulesInput = {
  calendars: { support: { timezone: 'Europe/Moscow', week: { 'mon-fri': ['03:00-23:00'], 'sat-sun': ['10:00-19:00'] }, holidays: { dates: ['2026-11-04'] } } },
  duty: { targets: [{ name: 'duty', connector: 'log', to: { chat: 'duty' } }] },
  policies: [seedPolicy('support')],
};

export const seedRules: Rules = rules(seedRulesInput);

export function createSla(db: Database, clock: VirtualClock, runbook: Rules = seedRules) {
  const { intake } = createIntake(db, { rules: runbook, clock });
  const catalog = new SlaCatalog(runbook);
  // Virtual time and one writer: the loop sleeps until the next due instant, as it must find
  // by itself; the default 1 s poll (for other replicas' rows) would add 60 passes a minute.
  const scheduler = new SlaScheduler(db, clock, () => ({ rules: runbook, sla: catalog }), { batchSize: 100, pollInterval: 60 * 60_000 });
  return { intake, scheduler };
}

export function customer(conversation: string, at: number | string, id: string) {
  return { conversation: { id: conversation, title: `Chat ${conversation}` }, id, text: 'help', sentAt: new Date(at), author: { id: 'client', role: 'customer' as const } };
}

export function staff(conversation: string, at: number | string, id: string) {
  return { conversation: { id: conversation }, id, text: 'on it', sentAt: new Date(at), author: { id: 'agent', role: 'staff' as const } };
}

export async function markDeliveries(db: Database): Promise<Array<{ key: string; text: string; late: boolean }>> {
  const rows = await db.query<{ idempotency_key: string; payload: { text: string; late: boolean } }>(
    `SELECT idempotency_key, payload FROM deliveries WHERE payload->>'event' IN ('sla.mark', 'sla.breach') ORDER BY created_at, idempotency_key`,
  );
  return rows.map((r) => ({ key: r.idempotency_key, text: r.payload.text, late: r.payload.late }));
}
