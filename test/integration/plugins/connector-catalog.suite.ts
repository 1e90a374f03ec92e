import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/core/config/config-error';
import { loadConfig } from '../../../src/core/config/load-config';
import { buildCatalog } from '../../../src/plugins/host/build-catalog';

const RULES = 'config/rules.example.yaml';
const TOKEN = '123456789:AAbbccddeeffgghhiijjkk';

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function hubFile(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-catalog-'));
  scratch.push(dir);
  const file = path.join(dir, 'hub.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** Which connectors run with what settings, decided from the manifests before any database opens. */
describe('connector catalog', () => {
  it('without a hub.yaml enables what the manifests enable by default, and Telegram once its token is set', () => {
    const plain = buildCatalog(loadConfig({ RULES_FILE: RULES }));
    expect([...plain.enabled.keys()].sort()).toEqual(['http', 'log']);
    const withBot = buildCatalog(loadConfig({ RULES_FILE: RULES, TELEGRAM_BOT_TOKEN: TOKEN }));
    expect([...withBot.enabled.keys()].sort()).toEqual(['http', 'log', 'telegram']);
    expect(withBot.enabled.get('telegram')?.config).toMatchObject({ token: TOKEN, mode: 'polling' });
    expect(withBot.enabled.get('telegram')?.secrets).toEqual([TOKEN]);
  });

  it('keeps the generated HTTP secret in the data directory unless a file is named', () => {
    const catalog = buildCatalog(loadConfig({ RULES_FILE: RULES, DATA_DIR: '/var/lib/replywatch' }));
    expect(catalog.enabled.get('http')?.config).toEqual({ maxBatch: 500, maxTextLength: 32_768 });
  });

  it('with a hub.yaml enables only its sections, and applies the variables each manifest declares', () => {
    const file = hubFile('connectors:\n  http: { enabled: true }\n  log: { enabled: true }\n');
    const catalog = buildCatalog(loadConfig({ HUB_CONFIG: file, RULES_FILE: RULES, TELEGRAM_BOT_TOKEN: TOKEN, HTTP_INGEST_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` }));
    expect([...catalog.enabled.keys()]).toEqual(['http', 'log']);
    expect(catalog.enabled.get('http')?.config).toMatchObject({ secret: expect.stringMatching(/^whsec_/) as string });
  });

  it('names the variable, not a hub.yaml line, when a value from the environment is malformed, without echoing it', () => {
    const file = hubFile('connectors:\n  http: { enabled: true }\n  log: { enabled: true }\n');
    const error = (() => {
      try {
        buildCatalog(loadConfig({ HUB_CONFIG: file, RULES_FILE: RULES, HTTP_INGEST_SECRET: 'not-a-whsec-value' }));
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^environment variable HTTP_INGEST_SECRET \(connectors\.http\.secret\): expected a Standard Webhooks secret/);
    expect(error.message).not.toContain('not-a-whsec-value');
  });
});
