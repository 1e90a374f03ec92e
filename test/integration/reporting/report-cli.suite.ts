import { runReport } from '../../../src/cli/report.command';
import { UsageError } from '../../../src/cli/usage-error';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { cli } from '../../support/run-cli';
import { createSla, customer, staff } from '../../support/sla-harness';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';

describe(`replywatch report (${testBackend})`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = await database.open();
    const { intake } = createSla(db, new VirtualClock('2026-11-06T00:00:00Z'));
    await intake.accept('http', customer('acme', '2026-11-02T09:00:00Z', 'm1'));
    await intake.accept('http', staff('acme', '2026-11-02T09:57:00Z', 'm2'));
    await db.close();
  });

  afterAll(() => database.drop());

  it('prints the same figures as text and as JSON', async () => {
    const json = await cli(() => runReport(['--from', '2026-11-01', '--to', '2026-11-30', '--timezone', 'Europe/Moscow', '--format', 'json']), database);
    expect(JSON.parse(json.out)).toMatchObject({ period: '2026-11-01 – 2026-11-30', inquiries: 1, answered: 1, withinSlaPercent: 100, firstResponseBusinessMinutes: { median: 57 } });
    const text = await cli(() => runReport(['--period', '2026-Q4']), database);
    expect(text.out).toContain('SLA report, 2026-Q4');
    expect(text.out).toContain('within SLA: 100 %');
    expect(text.out).toContain('first response, business time: average 57 min, median 57 min, p90 57 min');
  });

  it('answers a reversed period, an unknown period or zone with a usage error', async () => {
    await expect(runReport(['--from', '2026-12-01', '--to', '2026-11-01'])).rejects.toThrow(UsageError);
    await expect(runReport(['--period', 'fortnight'])).rejects.toThrow('unknown period "fortnight"');
    await expect(runReport(['--period', 'q1', '--timezone', 'Mars/Olympus'])).rejects.toThrow('unknown time zone');
    await expect(runReport(['--period', 'q1', '--format', 'xml'])).rejects.toThrow('--format');
  });
});
