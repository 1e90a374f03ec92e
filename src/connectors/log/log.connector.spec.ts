import { type DeliveryPayload, type SlaBreachPayload, type SlaMarkPayload } from 'replywatch/sdk';
import { createTestContext, type LogLine } from 'replywatch/testing';
import { logConnector } from './log.connector';

const conversation = { channel: 'http', id: 'acme', title: 'Acme support' };
const point = { inquiryId: 'inq-1', conversation, policy: 'standard', dueAt: '2026-12-01T10:00:00.000Z', markDueAt: '2026-12-01T09:45:00.000Z', late: false };
const warning: SlaMarkPayload = { ...point, event: 'sla.mark', text: '⚡ 15 minutes left — Acme support', level: 'warning', emoji: '⚡' };
const critical: SlaMarkPayload = { ...warning, text: '❗ 5 minutes left — Acme support', level: 'critical', emoji: '❗' };
const breach: SlaBreachPayload = { ...point, event: 'sla.breach', text: '⚠️ SLA MISS — Acme support', level: 'breach', emoji: '⚠️' };
const opened: DeliveryPayload = { event: 'inquiry.opened', text: 'inquiry opened — Acme support', inquiryId: 'inq-1', conversation, at: '2026-12-01T09:00:00.000Z', actor: 'c-7' };

async function levelsOf(config: unknown, payloads: DeliveryPayload[]): Promise<LogLine[]> {
  const t = createTestContext(logConnector, { config });
  const instance = await logConnector.create(t.context);
  for (const [i, payload] of payloads.entries()) {
    await instance.deliver?.({ id: `d-${i}`, idempotencyKey: `k-${i}`, target: { name: 'duty' }, payload, attempt: 1 }, { signal: new AbortController().signal });
  }
  await t.dispose();
  return t.logs;
}

describe('log connector', () => {
  it('writes warning marks at warn and the missed deadline at error, routine lines at info', async () => {
    const logs = await levelsOf({}, [opened, warning, critical, breach]);
    expect(logs.map((l) => l.level)).toEqual(['info', 'warn', 'warn', 'error']);
    expect(logs[3]?.message).toBe('sla.breach → duty [k-3] ⚠️ SLA MISS — Acme support');
  });

  it('escalations by policy at error, by a person at warn; an informational mark at info', async () => {
    const base = { inquiryId: 'inq-1', conversation, text: 'escalated — Acme support' };
    const logs = await levelsOf({}, [
      { ...base, event: 'inquiry.escalated', trigger: 'policy', step: 0 },
      { ...base, event: 'inquiry.escalated', trigger: 'manual', by: 'alice' },
      { ...warning, level: 'info', emoji: 'ℹ️' },
    ]);
    expect(logs.map((l) => l.level)).toEqual(['error', 'warn', 'info']);
  });

  it('level: warn raises routine lines and leaves breaches at error', async () => {
    const logs = await levelsOf({ level: 'warn' }, [opened, warning, breach]);
    expect(logs.map((l) => l.level)).toEqual(['warn', 'warn', 'error']);
  });
});
