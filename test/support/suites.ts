import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Most test folders run as one jest file, `suites.test.ts`, which imports each `*.suite.ts`
 * beside it.
 *
 * Jest gives each test file fresh copies of every module it loads. A file that starts a hub
 * loads about 2,200 of them (NestJS, TypeORM, PGlite, the connectors) and warms them up again,
 * about 2 s of CPU before its first test; on two cores that was a fifth of the suite's time.
 * Each suite still keeps its own describe blocks, hooks and fakes. The imports name each suite,
 * so jest knows what a folder's run depends on (watch mode, `-o` and `--findRelatedTests`).
 *
 * What this returns, the global setup refuses to run with: suites that no `suites.test.ts`
 * imports, which would otherwise never run and never fail.
 */
export function unlistedSuites(testRoot: string): string[] {
  const unlisted: string[] = [];
  for (const dir of folders(testRoot)) {
    const suites = readdirSync(dir).filter((name) => name.endsWith('.suite.ts'));
    if (suites.length === 0) continue;
    const runner = path.join(dir, 'suites.test.ts');
    const text = existsSync(runner) ? readFileSync(runner, 'utf8') : '';
    const imported = new Set([...text.matchAll(/^import '\.\/([^']+)';$/gm)].map((match) => `${match[1]}.ts`));
    for (const suite of suites) if (!imported.has(suite)) unlisted.push(path.relative(process.cwd(), path.join(dir, suite)));
  }
  return unlisted;
}

function folders(dir: string): string[] {
  const children = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'fixtures');
  return [dir, ...children.flatMap((entry) => folders(path.join(dir, entry.name)))];
}
