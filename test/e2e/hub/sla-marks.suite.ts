import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ingestBody, startTestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';
import { seedPolicy } from '../../support/sla-harness';
import { flakyPlugin } from '../../support/test-connectors';

/** The whole hub on a virtual clock: HTTP intake → scheduler → outbox → outbound connector. */
describe(`SLA marks through the running hub (${testBackend})`, () => {
  it('delivers ⚡, ❗ and ⚠️ to the duty target at 45, 55 and 60 business minutes', async () => {
    const opened = Date.now() - 60_000; // signatures use real time; the SLA clock is virtual
    const clock = new VirtualClock(opened + 60_000);
    const flaky = flakyPlugin();
    const hub = await startTestHub({
      clock,
      plugins: [flaky.plugin],
      hub: {
        // Virtual time: a short poll would mean thousands of wake-ups per simulated hour.
        outbox: { pollInterval: '10m', baseDelay: '1s' },
        connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, flaky: { enabled: true, apiKey: 'key-1234567' } },
      },
      rules: {
        calendars: { always: { alwaysOpen: true } },
        duty: { targets: [{ name: 'duty', connector: 'flaky', to: { chat: 'duty' } }] },
        policies: [seedPolicy('always')],
      },
    });
    try {
      expect((await hub.post(ingestBody({ conversation: 'acme', sentAt: new Date(opened).toISOString() }))).status).toBe(200);
      const texts = () => flaky.delivered.map((d) => String(d.payload.text));
      const expectedBy = (minute: number) => (minute >= 60 ? 3 : minute >= 55 ? 2 : minute >= 45 ? 1 : 0);
      for (let minute = 2; minute <= 61 && texts().length < 3; minute++) {
        await clock.advanceTo(opened + minute * 60_000);
        // Give the scheduler and the outbox (real I/O) a moment to act on the new time.
        for (let i = 0; i < 100 && texts().length < expectedBy(minute); i++) {
          await new Promise((r) => setTimeout(r, 10));
          await clock.advance(0);
        }
      }
      expect(texts()).toEqual(['⚡ 15 minutes left — Acme support', '❗ 5 minutes left — Acme support', '⚠️ SLA MISS — Acme support']);
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toMatch(/replywatch_sla_marks_fired_total\{level="breach",late="false"\} 1/);
    } finally {
      await hub.close();
    }
  });
});
