import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unlistedSuites } from '../../support/suites';

// The sequencer is plain JavaScript that jest loads itself; it has no types to import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LONGEST_FIRST } = require('../../support/test-sequencer') as { LONGEST_FIRST: string[] };

const REPO = path.join(__dirname, '../../..');

/** How the suite folders are wired up: test/support/suites.ts and test/support/test-sequencer.js. */
describe('test layout', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'replywatch-layout-'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function write(file: string, text = ''): void {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }

  it('names each suite that no suites.test.ts beside it imports, and only those', () => {
    write('listed/a.suite.ts');
    write('listed/suites.test.ts', "import './a.suite';\n");
    write('half/a.suite.ts');
    write('half/b.suite.ts');
    write('half/suites.test.ts', "// b comes later\nimport './a.suite';\n");
    write('deep/er/c.suite.ts');
    write('standalone/x.test.ts');

    const unlisted = unlistedSuites(root).map((file) => path.relative(root, path.resolve(file)));
    expect(unlisted.sort()).toEqual(['deep/er/c.suite.ts', 'half/b.suite.ts']);
  });

  it('starts first only files that exist: a renamed one would lose its place unnoticed', () => {
    expect(LONGEST_FIRST.filter((file) => !existsSync(path.join(REPO, file)))).toEqual([]);
  });
});
