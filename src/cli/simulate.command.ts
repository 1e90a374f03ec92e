import path from 'node:path';
import { loadRules } from '../core/config/load-config';
import { YamlSource } from '../core/config/yaml-source';
import { Database } from '../core/persistence/database';
import { scenarioSchema } from '../core/simulation/scenario.schema';
import { simulate } from '../core/simulation/simulator';
import { SIMULATE } from './commands';
import { parseCommand } from './parse-command';
import { progress, withProgress } from './progress';
import { UsageError } from './usage-error';

/**
 * A throwaway in-memory database: the real schema and code paths, nothing kept. A scenario is
 * a few rows, so a small page cache, which is quicker to set up.
 */
async function inMemoryDatabase(): Promise<Database> {
  const opened = await Database.open({ dataDir: 'memory://', poolSize: 1, sharedBuffers: '16MB' });
  await opened.migrate();
  return opened;
}

/**
 * `replywatch simulate SCENARIO.yaml [--rules FILE]`: what the hub would do, line by line.
 * `openDatabase` gives it an empty, migrated database (tests hand it a copy of a migrated one
 * rather than run every migration again).
 */
export async function runSimulate(args: string[], env: NodeJS.ProcessEnv = process.env, openDatabase: () => Promise<Database> = inMemoryDatabase): Promise<number> {
  const { values, positionals } = parseCommand(SIMULATE, args);
  const file = positionals[0];
  if (!file) throw new UsageError('simulate needs a scenario file, e.g. examples/scenarios/seed.yaml');
  const source = YamlSource.read(file, env);
  const scenario = source.validate(scenarioSchema);
  const rulesFile = values.rules ?? (scenario.rules ? path.resolve(path.dirname(file), scenario.rules) : undefined);
  if (!rulesFile) throw new UsageError('the scenario names no rules file; pass --rules FILE');
  const { rules } = loadRules(rulesFile, env);
  const line = progress();
  const db = await withProgress('preparing an in-memory database…', openDatabase, line);
  try {
    const lines = await withProgress('simulating…', () => simulate(db, scenario, rules, (done, total) => line.update(`simulating: event ${done} of ${total}`)), line);
    for (const text of lines) process.stdout.write(`${text}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
