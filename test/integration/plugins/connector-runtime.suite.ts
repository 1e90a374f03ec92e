import { z } from 'zod';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ConnectorError, type ConnectorDefinition, type DeliverOptions, defineConnector, definePlugin, type MessageSink, problem, type ReplywatchPlugin, secret } from '../../../src/plugins/sdk';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';

const plugin = (...connectors: Array<ConnectorDefinition<never>>): ReplywatchPlugin => definePlugin({ name: 'runtime-test', contractVersion: '2.0', connectors });
const settings = z.object({ apiKey: secret(z.string().min(8)).optional() }).strict();

async function readiness(hub: TestHub): Promise<{ connectors: Record<string, { status: string; detail?: string }> }> {
  return (await (await fetch(`${hub.url}/health/ready`)).json()) as { connectors: Record<string, { status: string; detail?: string }> };
}

async function realWait(check: () => boolean | Promise<boolean>, clock?: VirtualClock): Promise<void> {
  for (let i = 0; i < 400 && !(await check()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    await clock?.advance(0);
  }
}

/** What the plugin host does around a connector: routes, start retries, declared services, abort signals. */
describe(`connector runtime (${testBackend})`, () => {
  it('serves a connector route with the raw body, its size and type limits, and problem answers', async () => {
    const seen: Buffer[] = [];
    const webhook = defineConnector<z.output<typeof settings>>({
      manifest: { id: 'hooks', direction: 'inbound', channel: 'hooks', configSchema: settings, services: ['routes'] },
      create: ({ routes, config }) => {
        routes.post(
          '/hooks/in',
          (request) => {
            seen.push(request.rawBody);
            if (request.headers['x-fail'] === 'problem') throw problem(409, 'Conflict', 'header x-fail asked for it', { header: 'x-fail' });
            if (request.headers['x-fail'] === 'crash') throw new Error(`crashed with ${String(config.apiKey)}`);
            return Promise.resolve({ status: 202, body: { bytes: request.rawBody.length } });
          },
          { bodyLimit: 64, contentTypes: ['application/json'] },
        );
        return { verify: () => Promise.resolve({ status: 'up' }), start: () => Promise.resolve({ stop: () => Promise.resolve() }) };
      },
    });
    const hub = await startTestHub({ plugins: [plugin(webhook as ConnectorDefinition<never>)], hub: { connectors: { hooks: { enabled: true, apiKey: 'hook-secret-123' } } } });
    try {
      const post = (body: string, headers: Record<string, string> = {}) => fetch(`${hub.url}/hooks/in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const ok = await post('{"a": 1}');
      expect(ok.status).toBe(202);
      expect(await ok.json()).toEqual({ bytes: 8 });
      expect(seen[0]?.toString()).toBe('{"a": 1}');
      const large = await post(JSON.stringify({ pad: 'x'.repeat(100) }));
      expect(large.status).toBe(413);
      expect(large.headers.get('content-type')).toContain('application/problem+json');
      expect((await fetch(`${hub.url}/hooks/in`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' })).status).toBe(415);
      const conflict = await post('{}', { 'x-fail': 'problem' });
      expect(conflict.status).toBe(409);
      expect(await conflict.json()).toMatchObject({ title: 'Conflict', detail: 'header x-fail asked for it', header: 'x-fail' });
      const crash = await post('{}', { 'x-fail': 'crash' });
      expect(crash.status).toBe(500);
      expect(await crash.text()).not.toContain('hook-secret-123');
      // Routes the connector did not register are the hub's usual 404.
      expect((await fetch(`${hub.url}/hooks/other`, { method: 'POST' })).status).toBe(404);
    } finally {
      await hub.close();
    }
  });

  it("refuses at start a route on the hub's own paths or a service the manifest does not declare", async () => {
    const greedy = defineConnector({
      manifest: { id: 'greedy', direction: 'outbound', configSchema: settings, services: ['routes'] },
      create: ({ routes }) => {
        routes.get('/health/evil', () => Promise.resolve({ status: 200 }));
        return { verify: () => Promise.resolve({ status: 'up' as const }), deliver: () => Promise.resolve({}) };
      },
    });
    await expect(startTestHub({ plugins: [plugin(greedy as ConnectorDefinition<never>)], hub: { connectors: { greedy: { enabled: true } } } })).rejects.toThrow(/route \/health\/evil is the hub's own; use \/greedy\/…/);
    const sneaky = defineConnector({
      manifest: { id: 'sneaky', direction: 'outbound', configSchema: settings },
      create: ({ state }) => {
        void state.get('x');
        return { verify: () => Promise.resolve({ status: 'up' as const }), deliver: () => Promise.resolve({}) };
      },
    });
    await expect(startTestHub({ plugins: [plugin(sneaky as ConnectorDefinition<never>)], hub: { connectors: { sneaky: { enabled: true } } } })).rejects.toThrow(
      /connector sneaky .*create\(\) failed: connector sneaky uses ctx\.state but does not declare "state" in manifest\.services/,
    );
  });

  it('retries a start that failed for a passing reason, and leaves one with rejected credentials down', async () => {
    const clock = new VirtualClock('2026-12-01T09:00:00Z');
    let flakyStarts = 0;
    let lockedStarts = 0;
    const flaky = defineConnector({
      manifest: { id: 'flaky-in', direction: 'inbound', channel: 'flaky-in', configSchema: settings },
      create: () => ({
        verify: () => Promise.resolve({ status: 'up' as const }),
        start: () => {
          flakyStarts++;
          if (flakyStarts < 3) return Promise.reject(new ConnectorError('TEMPORARY', 'peer unreachable (ECONNREFUSED)'));
          return Promise.resolve({ stop: () => Promise.resolve() });
        },
      }),
    });
    const locked = defineConnector({
      manifest: { id: 'locked-in', direction: 'inbound', channel: 'locked-in', configSchema: settings },
      create: () => ({
        verify: () => Promise.resolve({ status: 'up' as const }),
        start: () => {
          lockedStarts++;
          return Promise.reject(new ConnectorError('AUTH_FAILED', '401 from the peer'));
        },
      }),
    });
    const hub = await startTestHub({
      clock,
      plugins: [plugin(flaky as ConnectorDefinition<never>, locked as ConnectorDefinition<never>)],
      // Virtual time: a short outbox poll would mean thousands of wake-ups per simulated hour.
      hub: { outbox: { pollInterval: '30s' }, connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, 'flaky-in': { enabled: true }, 'locked-in': { enabled: true } } },
    });
    try {
      expect((await readiness(hub)).connectors).toMatchObject({
        'flaky-in': { status: 'degraded', detail: 'cannot start yet (peer unreachable (ECONNREFUSED)); retrying' },
        'locked-in': { status: 'down', detail: 'failed to start: 401 from the peer' },
      });
      await clock.advance(1000);
      await realWait(() => flakyStarts === 2, clock);
      await clock.advance(2000);
      await realWait(() => flakyStarts === 3, clock);
      await realWait(async () => (await readiness(hub)).connectors['flaky-in']?.status === 'up', clock);
      await clock.advance(10 * 60_000);
      expect(lockedStarts).toBe(1);
      // The other channels were never held up.
      expect((await hub.post(ingestBody())).status).toBe(200);
    } finally {
      await hub.close();
    }
  });

  it('answers a refused message with INVALID_PAYLOAD and a closed intake with TEMPORARY, so a connector knows whether to acknowledge', async () => {
    let sink: MessageSink | undefined;
    const reader = defineConnector({
      manifest: { id: 'reader', direction: 'inbound', channel: 'reader', configSchema: settings },
      create: () => ({
        verify: () => Promise.resolve({ status: 'up' as const }),
        start: (given: MessageSink) => {
          sink = given;
          return Promise.resolve({ stop: () => Promise.resolve() });
        },
      }),
    });
    const hub = await startTestHub({ plugins: [plugin(reader as ConnectorDefinition<never>)], hub: { connectors: { reader: { enabled: true } } } });
    const message = (text: string) => ({ conversation: { id: 'c1' }, id: `m-${text.length}`, text, sentAt: new Date(), author: { id: 'a1' } });
    try {
      await expect(sink!.accept(message('fine'))).resolves.toMatchObject({ effect: 'opened' });
      const refused = await sink!.accept(message('nul \u0000 inside')).catch((e: unknown) => e);
      expect(ConnectorError.is(refused) && refused.code).toBe('INVALID_PAYLOAD');
      expect((refused as Error).message).toMatch(/message\.text: contains a NUL character/);
    } finally {
      await hub.close();
    }
    const closed = await sink!.accept(message('after the stop')).catch((e: unknown) => e);
    expect(ConnectorError.is(closed) && closed.code).toBe('TEMPORARY');
  });

  it("aborts a delivery's signal when the attempt times out, and counts it as a temporary failure", async () => {
    const signals: AbortSignal[] = [];
    const hanging = defineConnector({
      manifest: { id: 'hanging', direction: 'outbound', configSchema: settings },
      create: () => ({
        verify: () => Promise.resolve({ status: 'up' as const }),
        deliver: (_delivery: unknown, options: DeliverOptions) => {
          signals.push(options.signal);
          return new Promise<never>((_, reject) => options.signal.addEventListener('abort', () => reject(new ConnectorError('TEMPORARY', 'request cancelled'))));
        },
      }),
    });
    const hub = await startTestHub({
      plugins: [plugin(hanging as ConnectorDefinition<never>)],
      hub: { outbox: { pollInterval: '50ms', attemptTimeout: '200ms', baseDelay: '10s' }, connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, hanging: { enabled: true } } },
      rules: { duty: { targets: [{ name: 'duty', connector: 'hanging' }] }, notify: { inquiryOpened: ['duty'] } },
    });
    try {
      await hub.post(ingestBody());
      await realWait(async () => (await hub.db.query(`SELECT 1 FROM deliveries WHERE failures = 1`)).length === 1);
      expect(signals).toHaveLength(1);
      expect(signals[0]?.aborted).toBe(true);
      const [row] = await hub.db.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM deliveries`);
      expect(row).toMatchObject({ status: 'pending', last_error: 'TEMPORARY: no answer within 200 ms' });
    } finally {
      await hub.close();
    }
  });

  it("runs a connector's own migrations at start, in its schema", async () => {
    const keeper = defineConnector({
      manifest: {
        id: 'keeper',
        direction: 'outbound',
        configSchema: settings,
        services: ['database'],
        migrations: [{ name: '001-notes', up: 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)' }],
      },
      create: ({ database }) => ({
        verify: () => Promise.resolve({ status: 'up' as const }),
        deliver: async (delivery) => {
          await database.query('INSERT INTO notes (body) VALUES ($1)', [delivery.payload.text]);
          return {};
        },
      }),
    });
    const hub = await startTestHub({
      plugins: [plugin(keeper as ConnectorDefinition<never>)],
      hub: { outbox: { pollInterval: '50ms' }, connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, keeper: { enabled: true } } },
      rules: { duty: { targets: [{ name: 'duty', connector: 'keeper' }] }, notify: { inquiryOpened: ['duty'] } },
    });
    try {
      await hub.post(ingestBody({ conversation: 'kept' }));
      await realWait(async () => (await hub.db.query(`SELECT 1 FROM connector_keeper.notes`)).length === 1);
      expect(await hub.db.query(`SELECT body FROM connector_keeper.notes`)).toEqual([{ body: '🆕 New inquiry — Acme support' }]);
      expect(await hub.db.query(`SELECT connector, name FROM connector_migrations`)).toEqual([{ connector: 'keeper', name: '001-notes' }]);
    } finally {
      await hub.close();
    }
  });
});
