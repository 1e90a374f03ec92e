import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', '..', 'scripts', 'build-if-stale.js');

/**
 * `npm start` builds only when needed. A stand-in project whose "build" counts its runs in
 * builds.log (and fails while a file named `broken` exists), so no tsc runs here.
 */
describe('scripts/build-if-stale.js (npm start)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-build-if-stale-'));
    mkdirSync(path.join(dir, 'src', 'core'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'core', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    writeFileSync(path.join(dir, 'tsconfig.build.json'), '{}\n');
    const build = "const fs = require('fs'); fs.appendFileSync('builds.log', 'x'); if (fs.existsSync('broken')) process.exit(3); fs.mkdirSync('dist', { recursive: true }); fs.writeFileSync('dist/cli.js', '');";
    writeFileSync(path.join(dir, 'build.js'), build);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'stand-in', private: true, scripts: { build: 'node build.js' } }));
    // Every input a minute in the past, so a change made now is newer than any build.
    const past = new Date(Date.now() - 60_000);
    for (const entry of ['src', 'src/core', 'src/core/a.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) utimesSync(path.join(dir, entry), past, past);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = () => spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' });
  const builds = () => {
    try {
      return readFileSync(path.join(dir, 'builds.log'), 'utf8').length;
    } catch {
      return 0;
    }
  };
  /** Changes `file` after the last build: that build is moved 30 s into the past first. */
  const touch = (file: string) => {
    const earlier = new Date(Date.now() - 30_000);
    utimesSync(path.join(dir, 'dist', '.build-stamp'), earlier, earlier);
    const now = new Date();
    utimesSync(path.join(dir, file), now, now);
  };

  it('builds a fresh clone, then not again until a source file changes', () => {
    expect(start().status).toBe(0);
    expect(builds()).toBe(1);
    const again = start();
    expect([again.status, builds()]).toEqual([0, 1]);
    expect(again.stdout).toContain('not rebuilding');

    touch('src/core/a.ts');
    expect([start().status, builds()]).toEqual([0, 2]);
    expect([start().status, builds()]).toEqual([0, 2]);
  });

  it('rebuilds when a source file is removed or the compiler settings change', () => {
    start();
    unlinkSync(path.join(dir, 'src', 'core', 'a.ts'));
    touch('src/core'); // what the removal does to its folder, made plain for a coarse file system clock
    expect([start().status, builds()]).toEqual([0, 2]);
    touch('tsconfig.build.json');
    expect([start().status, builds()]).toEqual([0, 3]);
  });

  it('fails with the build and tries again at the next start', () => {
    writeFileSync(path.join(dir, 'broken'), '');
    expect([start().status, builds()]).toEqual([3, 1]);
    expect([start().status, builds()]).toEqual([3, 2]);
    rmSync(path.join(dir, 'broken'));
    expect([start().status, builds()]).toEqual([0, 3]);
    expect([start().status, builds()]).toEqual([0, 3]);
  });
});
