import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { type TestDatabase, TEST_SHARED_BUFFERS } from './test-database';

let exampleHubFile: string | undefined;

/**
 * config/hub.example.yaml with the test databases' small page cache: every CLI command opens
 * the embedded database, and at PGlite's default 128MB each open cost over a second of CPU.
 */
function exampleHubConfig(): string {
  if (exampleHubFile) return exampleHubFile;
  const example = parse(readFileSync('config/hub.example.yaml', 'utf8')) as { database?: Record<string, unknown> };
  const dir = mkdtempSync(path.join(process.env.REPLYWATCH_TEST_RUN_DIR ?? tmpdir(), 'replywatch-cli-'));
  exampleHubFile = path.join(dir, 'hub.yaml');
  writeFileSync(exampleHubFile, stringify({ ...example, database: { ...example.database, sharedBuffers: TEST_SHARED_BUFFERS } }));
  return exampleHubFile;
}

/**
 * Runs a CLI command in-process against the test database, capturing what it prints, with the
 * example config files (hub.yaml with a small page cache). `env` overrides them, e.g.
 * RULES_FILE for a test's own rules.
 */
export async function cli(run: () => Promise<number>, database: TestDatabase, env: { RULES_FILE?: string } = {}): Promise<{ code: number; out: string }> {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR, HUB_CONFIG: process.env.HUB_CONFIG, RULES_FILE: process.env.RULES_FILE };
  if (database.settings.url) process.env.DATABASE_URL = database.settings.url;
  else process.env.DATA_DIR = database.settings.dataDir;
  process.env.HUB_CONFIG = exampleHubConfig();
  process.env.RULES_FILE = env.RULES_FILE ?? 'config/rules.example.yaml';
  let out = '';
  // The CSV export waits for write callbacks, so the stand-in must call them.
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((arg): arg is (error?: Error | null) => void => typeof arg === 'function');
    done?.();
    return true;
  });
  try {
    return { code: await run(), out };
  } finally {
    write.mockRestore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
