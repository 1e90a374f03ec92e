import { runSimulate } from '../../../src/cli/simulate.command';
import { ConfigError } from '../../../src/core/config/config-error';
import { type Database } from '../../../src/core/persistence/database';
import { createTestDatabase } from '../../support/test-database';

/**
 * The first scenario runs as the command does, on a new in-memory database; the others on a
 * copy of the run's migrated one, which is the same schema without initdb and every migration.
 */
let dropCopies: Array<() => Promise<void>> = [];
async function migratedCopy(): Promise<Database> {
  const copy = await createTestDatabase('pglite');
  dropCopies.push(() => copy.drop());
  return copy.open();
}

afterAll(async () => {
  for (const drop of dropCopies) await drop();
  dropCopies = [];
});

async function simulateFile(file: string, openDatabase: (() => Promise<Database>) | undefined = migratedCopy): Promise<string[]> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await runSimulate([file], {}, openDatabase);
  } finally {
    spy.mockRestore();
  }
  return out.trim().split('\n');
}

describe('replywatch simulate (the shipped scenarios)', () => {
  it('plays the seed: warnings at 12:45 and 12:55, answered at 12:57 within SLA', async () => {
    expect(await simulateFile('examples/scenarios/seed.yaml', undefined)).toEqual([
      '12:00 inquiry opened (customer-chat)',
      '12:45 ⚡ 15 minutes left',
      '12:55 ❗ 5 minutes left',
      '12:57 answered in 57 min, within SLA',
    ]);
  });

  it('plays the seed without a reply: SLA MISS at 13:00', async () => {
    expect((await simulateFile('examples/scenarios/seed-no-reply.yaml')).slice(-1)).toEqual(['13:00 ⚠️ SLA MISS']);
  });

  it('collapses marks missed during downtime into one late SLA MISS', async () => {
    expect(await simulateFile('examples/scenarios/restart.yaml')).toEqual([
      '12:00 inquiry opened (customer-chat)',
      '12:30 hub down for 50 min',
      '13:20 hub back up',
      '13:20 ⚠️ SLA MISS (late by 20 min, the hub was down)',
      '13:25 answered in 1 h 25 min, SLA missed by 25 min',
    ]);
  });

  it('locates a broken scenario', async () => {
    const error = await runSimulate(['test/fixtures/scenarios/broken.yaml'], {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/broken\.yaml:\d+:\d+ start: expected an ISO instant with offset/);
  });
});
