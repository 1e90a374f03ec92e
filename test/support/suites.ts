import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Loads every `*.suite.ts` in `dir`, in name order, into the calling jest file.
 *
 * Jest gives each test file fresh copies of every module it loads. A file that starts a hub
 * loads about 2,200 of them (NestJS, TypeORM, PGlite, the connectors) and warms them up again,
 * about 2 s of CPU before its first test, and on two cores that was a third of the suite's time.
 * So the suites of one area run as one file, `suites.test.ts`, and share those modules; each
 * suite still keeps its own describe blocks, hooks and fakes. Taking the folder's whole listing
 * means a new suite cannot be left out by forgetting to name it here.
 */
export function runSuitesIn(dir: string): void {
  const suites = readdirSync(dir).filter((name) => name.endsWith('.suite.ts')).sort();
  if (suites.length === 0) throw new Error(`${dir} has a suites.test.ts but no *.suite.ts files`);
  // Synchronously: jest collects a file's describe blocks while the file loads, so an import()
  // would register them too late.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const suite of suites) require(path.join(dir, suite));
}
