import { type TestDatabase } from './test-database';

/**
 * Runs a CLI command in-process against the test database, capturing what it prints. `env`
 * overrides the example config files, e.g. RULES_FILE for a test's own rules.
 */
export async function cli(run: () => Promise<number>, database: TestDatabase, env: { RULES_FILE?: string } = {}): Promise<{ code: number; out: string }> {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR, HUB_CONFIG: process.env.HUB_CONFIG, RULES_FILE: process.env.RULES_FILE };
  if (database.settings.url) process.env.DATABASE_URL = database.settings.url;
  else process.env.DATA_DIR = database.settings.dataDir;
  process.env.HUB_CONFIG = 'config/hub.example.yaml';
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
