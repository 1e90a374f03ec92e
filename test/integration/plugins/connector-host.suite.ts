import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ConfigError } from '../../../src/core/config/config-error';
import { PluginError } from '../../../src/plugins/host/plugin-loader';
import { ingestBody, startTestHub } from '../../support/hub-harness';
import { createTestDatabase, testBackend } from '../../support/test-database';
import { flakyPlugin, pluginForContract } from '../../support/test-connectors';
import { CONTRACT_VERSION } from '../../../src/plugins/sdk/version';

const ECHO_PLUGIN = path.join(__dirname, '../../fixtures/plugins/echo-plugin.js');

async function waitFor(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
}


/** The hub's own contract version, as it appears in its refusals. */
const HUB = CONTRACT_VERSION.replace('.', '\\.');
/** The minor release after this hub's, which it must refuse. */
const NEXT_MINOR = CONTRACT_VERSION.replace(/\d+$/, (minor) => String(Number(minor) + 1));
describe(`connector host (${testBackend})`, () => {
  it('delivers runbook notifications through a third-party connector, retrying and scrubbing its secret from errors', async () => {
    const flaky = flakyPlugin();
    const hub = await startTestHub({
      plugins: [flaky.plugin],
      hub: {
        outbox: { pollInterval: '50ms', baseDelay: '50ms', maxDelay: '100ms' },
        connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, flaky: { enabled: true, apiKey: 'super-secret-key-123', failFirst: 2 } },
      },
      rules: { duty: { targets: [{ name: 'duty', connector: 'flaky', to: { room: 'ops' } }] }, notify: { inquiryOpened: ['duty'] } },
    });
    try {
      await hub.post(ingestBody({ conversation: 'c-42' }));
      await waitFor(() => flaky.delivered.length > 0);
      expect(flaky.delivered).toHaveLength(1);
      expect(flaky.delivered[0]).toMatchObject({ target: { name: 'duty', room: 'ops' }, attempt: 3, payload: { event: 'inquiry.opened', conversation: { id: 'c-42' } } });

      // The outcome is written just after the connector answers (successes are written together).
      await waitFor(async () => (await hub.db.query<{ status: string }>(`SELECT status FROM deliveries`))[0]?.status === 'delivered');
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

  it('loads a plugin module listed in hub.yaml and runs its connector like a first-party one', async () => {
    // The hub loads the module with the same require as this test, so both see one module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const echo = require(ECHO_PLUGIN) as { delivered: unknown[] };
    echo.delivered.length = 0;
    const hub = await startTestHub({
      hub: {
        outbox: { pollInterval: '50ms' },
        plugins: [{ module: ECHO_PLUGIN }],
        connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, 'echo-plugin': { enabled: true, prefix: 'e' } },
      },
      rules: { duty: { targets: [{ name: 'echo', connector: 'echo-plugin' }] }, notify: { inquiryOpened: ['echo'] } },
    });
    try {
      await hub.post(ingestBody());
      // The plugin has the delivery before the hub records its outcome.
      const externalId = async () => (await hub.db.query<{ external_id: string | null }>(`SELECT external_id FROM deliveries`))[0]?.external_id;
      await waitFor(async () => (await externalId()) != null);
      expect(echo.delivered).toHaveLength(1);
      expect(await externalId()).toBe('e-1');
    } finally {
      await hub.close();
    }
  });

  it('refuses to boot on a duplicate connector id, another major contract or a newer minor one', async () => {
    await expect(startTestHub({ plugins: [flakyPlugin('log').plugin] })).rejects.toThrow(PluginError);
    await expect(startTestHub({ plugins: [flakyPlugin('log').plugin] })).rejects.toThrow(/connector id "log" is declared twice \(first-party log and plugin test log\)/);
    await expect(startTestHub({ plugins: [pluginForContract('3.0')] })).rejects.toThrow(new RegExp(`is written for connector contract 3\\.0, this hub speaks ${HUB} \\(another major version; upgrade the hub\\)`));
    await expect(startTestHub({ plugins: [pluginForContract('1.0')] })).rejects.toThrow(new RegExp(`written for connector contract 1\\.0, this hub speaks ${HUB} \\(another major version; use a release of the plugin written for this contract\\)`));
    await expect(startTestHub({ plugins: [pluginForContract(NEXT_MINOR)] })).rejects.toThrow(new RegExp(`written for connector contract ${NEXT_MINOR.replace('.', '\\.')}, newer than this hub's ${HUB}; upgrade the hub`));
    await expect(startTestHub({ plugins: [pluginForContract(1 as unknown as string)] })).rejects.toThrow(new RegExp(`declares contractVersion 1; expected a "major\\.minor" string such as "${HUB}"`));
  });

  it('explains a plugin module that cannot be loaded or exports nothing usable', async () => {
    await expect(startTestHub({ hub: { plugins: [{ module: './missing.js' }] } })).rejects.toThrow(/plugin \.\/missing\.js: cannot be loaded/);
    await expect(startTestHub({ hub: { plugins: [{ module: 'path' }] } })).rejects.toThrow(/plugin path: does not export replywatchPlugin/);
  });

  it('rejects bad connector settings with a located error before the database is touched', async () => {
    const database = await createTestDatabase(testBackend, { empty: true });
    try {
      const attempt = startTestHub({
        database,
        plugins: [flakyPlugin().plugin],
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

  it('rejects an enabled connector that is not installed, a duty target on a disabled one, and a malformed target address', async () => {
    await expect(startTestHub({ hub: { connectors: { telegramm: { enabled: true } } } })).rejects.toThrow(/connectors\.telegramm: no connector "telegramm" is installed; did you mean "telegram"\? \(known connectors: http, log, [a-z, ]*telegram[a-z, ]*\)/);
    await expect(
      startTestHub({
        hub: { connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, log: { enabled: false } } },
        rules: { duty: { targets: [{ name: 'duty', connector: 'log' }] } },
      }),
    ).rejects.toThrow(/rules\.yaml:\d+:\d+ duty\.targets\[0\]\.connector: "log" is not an enabled outbound connector \(enabled: none\)/);
    await expect(startTestHub({ rules: { duty: { targets: [{ name: 'duty', connector: 'logg' }] } } })).rejects.toThrow(
      /duty\.targets\[0\]\.connector: "logg" is not an enabled outbound connector; did you mean "log"\? \(enabled: log\)/,
    );
    await expect(
      startTestHub({
        hub: { connectors: { telegram: { enabled: true, token: '123456789:TEST-token-abcdefghijklmnopqrstu' } } },
        rules: { duty: { targets: [{ name: 'duty', connector: 'telegram', to: { chatId: 'duty-chat', topicId: -3 } }] } },
      }),
    ).rejects.toThrow(/rules\.yaml:\d+:\d+ duty\.targets\[0\]\.to\.chatId: expected a Telegram chat id[\s\S]*duty\.targets\[0\]\.to\.topicId: expected a forum topic id/);
  });
});
