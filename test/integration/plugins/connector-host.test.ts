import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ConfigError } from '../../../src/core/config/config-error';
import { loadExternalPlugins } from '../../../src/plugins/host/external-plugins';
import { PluginError } from '../../../src/plugins/registry/connector-registry';
import { ingestBody, startTestHub } from '../../support/hub-harness';
import { createTestDatabase, testBackend } from '../../support/test-database';
import { DuplicateLogConnector, FlakyConnector, FutureContractConnector } from '../../support/test-connectors';

describe(`connector host (${testBackend})`, () => {
  it('delivers runbook notifications through a third-party connector, retrying and scrubbing its secret from errors', async () => {
    const hub = await startTestHub({
      connectors: [FlakyConnector],
      hub: {
        outbox: { pollInterval: '50ms', baseDelay: '50ms', maxDelay: '100ms' },
        connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, flaky: { enabled: true, apiKey: 'super-secret-key-123', failFirst: 2 } },
      },
      rules: { duty: { targets: [{ name: 'duty', connector: 'flaky', to: { room: 'ops' } }] }, notify: { inquiryOpened: ['duty'] } },
    });
    try {
      await hub.post(ingestBody({ conversation: 'c-42' }));
      const flaky = hub.app.get(FlakyConnector);
      for (let i = 0; i < 100 && flaky.delivered.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(flaky.delivered).toHaveLength(1);
      expect(flaky.delivered[0]).toMatchObject({ kind: 'notify', target: { name: 'duty', room: 'ops' }, attempt: 3, payload: { event: 'inquiry.opened' } });

      const [row] = await hub.db.query<{ status: string; history: Array<{ error?: string }>; external_id: string }>(`SELECT * FROM deliveries`);
      expect(row).toMatchObject({ status: 'delivered', external_id: 'flaky-3' });
      const errors = row!.history.map((h) => h.error ?? '').join(' ');
      expect(errors).toContain('503 from https://api.example.test/send?key=[redacted]');
      expect(errors).not.toContain('super-secret-key-123');

      const ready = (await (await fetch(`${hub.url}/health/ready`)).json()) as { status: string; connectors: Record<string, unknown> };
      expect(ready).toMatchObject({ status: 'degraded', connectors: { flaky: { status: 'degraded' } } });
    } finally {
      await hub.close();
    }
  });

  it('loads a plugin module and runs its connector like a first-party one', async () => {
    const [EchoConnector] = loadExternalPlugins([{ module: './echo-plugin.js' }], path.join(__dirname, '../../fixtures/plugins'));
    const hub = await startTestHub({
      connectors: [EchoConnector!],
      hub: { outbox: { pollInterval: '50ms' }, connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, 'echo-plugin': { enabled: true, prefix: 'e' } } },
      rules: { duty: { targets: [{ name: 'echo', connector: 'echo-plugin' }] }, notify: { inquiryOpened: ['echo'] } },
    });
    try {
      await hub.post(ingestBody());
      const echo = hub.app.get<{ delivered: unknown[] }>(EchoConnector!);
      for (let i = 0; i < 100 && echo.delivered.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(echo.delivered).toHaveLength(1);
    } finally {
      await hub.close();
    }
  });

  it('refuses to boot on a duplicate connector id or a foreign contract version', async () => {
    await expect(startTestHub({ connectors: [DuplicateLogConnector] })).rejects.toThrow(PluginError);
    await expect(startTestHub({ connectors: [DuplicateLogConnector] })).rejects.toThrow(/connector id "log" is declared twice/);
    await expect(startTestHub({ connectors: [FutureContractConnector] })).rejects.toThrow(/written for contract version 2, this hub speaks version 1/);
  });

  it('explains a plugin module that cannot be loaded or exports nothing usable', () => {
    expect(() => loadExternalPlugins([{ module: './missing.js' }], __dirname)).toThrow(/plugin \.\/missing\.js: cannot be loaded/);
    expect(() => loadExternalPlugins([{ module: 'path' }], __dirname)).toThrow(/does not export replywatchPlugin/);
  });

  it('rejects bad connector settings with a located error before the database is touched', async () => {
    const database = await createTestDatabase();
    try {
      const attempt = startTestHub({
        database,
        connectors: [FlakyConnector],
        hub: { connectors: { flaky: { enabled: true, apiKey: 'short' }, http: { enabled: true, secret: '${TEST_INGEST_SECRET}' } } },
      });
      const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/hub\.yaml:\d+:\d+ connectors\.flaky\.apiKey: .*8/);
      expect(error.message).not.toContain('short');
      if (testBackend === 'pglite') expect(existsSync(path.join(database.settings.dataDir, 'PG_VERSION'))).toBe(false);
      else {
        const client = new Client({ connectionString: database.settings.url });
        await client.connect();
        const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
        await client.end();
        expect(tables.rows).toEqual([]);
      }
    } finally {
      await database.drop();
    }
  });

  it('rejects a malformed Telegram token and webhook settings with located errors that do not echo them', async () => {
    const error = (await startTestHub({
      hub: { connectors: { telegram: { enabled: true, token: 'not-a-token-but-secret-ish', mode: 'webhook' } } },
    }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/hub\.yaml:\d+:\d+ connectors\.telegram\.token: expected a bot token from @BotFather/);
    expect(error.message).toMatch(/connectors\.telegram\.webhook: mode: webhook needs a webhook section/);
    expect(error.message).not.toContain('not-a-token-but-secret-ish');
  });

  it('rejects an enabled connector that is not installed, and a duty target on a disabled one', async () => {
    await expect(startTestHub({ hub: { connectors: { telegramm: { enabled: true } } } })).rejects.toThrow(/connectors\.telegramm: no connector "telegramm" is installed \(installed: http, log, telegram\)/);
    await expect(
      startTestHub({
        hub: { connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, log: { enabled: false } } },
        rules: { duty: { targets: [{ name: 'duty', connector: 'log' }] } },
      }),
    ).rejects.toThrow(/rules\.yaml:\d+:\d+ duty\.targets\[0\]\.connector: "log" is not an enabled outbound connector \(enabled: none\)/);
  });
});
