import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeGitHub, STAFF } from '../../examples/plugins/github-issues/test/fake-github';
import { startTestHub, type TestHub } from '../support/hub-harness';
import { keepSeed, npm, plantSeed, REPO_ROOT, runHubTarball, scratchFolder } from '../support/hub-tarball';

/**
 * The example plugins as a third party gets them: each folder copied on its own, its
 * `replywatch` dev dependency pointed at the packed hub, installed and tested with its own
 * `npm test` (the contract kit included). Then the built github-issues plugin runs in a real hub.
 * Needs `npm run build` first (npm test runs it).
 */
const EXAMPLES = ['mattermost-notify', 'github-issues'] as const;
const NPM_TIMEOUT_MS = 8 * 60_000;

jest.setTimeout(10 * 60_000);

interface NpmRun {
  command: string;
  code: number;
  output: string;
}

/** `npm <args>`; a failure comes back with npm's output, so the assertion message shows it. */
async function npmRun(cwd: string, args: string[]): Promise<NpmRun> {
  const command = `npm ${args.join(' ')} (in ${cwd})`;
  try {
    const { stdout, stderr } = await npm(cwd, args, NPM_TIMEOUT_MS);
    return { command, code: 0, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; message?: string };
    return { command, code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.message ?? ''}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}` };
  }
}

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('example plugins, installed from the packed hub', () => {
  const work = scratchFolder('replywatch-examples-');
  const installed = new Map<string, string>();
  let tarball = '';

  beforeAll(async () => {
    tarball = await runHubTarball();
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(EXAMPLES)('%s installs against the tarball and passes its own tests, contract kit included', async (name) => {
    const source = path.join(REPO_ROOT, 'examples/plugins', name);
    const dir = path.join(work, name);
    // What a third party copies: the sources, never a local install, build or lock file.
    const local = new Set(['node_modules', 'dist', 'package-lock.json']);
    cpSync(source, dir, { recursive: true, filter: (file) => !path.relative(source, file).split(path.sep).some((part) => local.has(part)) });
    const manifestFile = path.join(dir, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { devDependencies: Record<string, string> };
    manifest.devDependencies.replywatch = `file:${tarball}`;
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

    // From a copy of the run's first plugin install when there is one (see plantSeed).
    plantSeed(dir);
    const install = await npmRun(dir, ['install']);
    expect(install).toMatchObject({ code: 0 });
    await keepSeed(dir);
    const tested = await npmRun(dir, ['test']);
    expect(tested).toMatchObject({ code: 0 });
    // node --test's summary: something ran, nothing failed, nothing was skipped.
    expect(tested.output).toMatch(/# pass [1-9]/);
    expect(tested.output).toMatch(/# fail 0/);
    expect(tested.output).toMatch(/# skipped 0/);
    installed.set(name, dir);
  });

  describe('the built github-issues plugin in a real hub', () => {
    const github = new FakeGitHub({ owner: 'acme', repo: 'widgets' });
    let hub: TestHub | undefined;

    beforeAll(() => github.start());
    afterAll(async () => {
      await hub?.close();
      await github.stop();
    });

    it('turns an issue into an open inquiry, and a staff comment answers it', async () => {
      const dir = installed.get('github-issues');
      if (!dir) throw new Error('the github-issues example was not installed and built (see the test above)');
      const issue = github.addIssue({ title: 'Export fails at 1000 rows', body: 'The CSV stops early.', at: Date.now() - 60_000 });
      hub = await startTestHub({
        hub: {
          plugins: [{ module: path.join(dir, 'dist/src/index.js') }],
          connectors: { 'github-issues': { enabled: true, owner: 'acme', repo: 'widgets', apiUrl: github.url, pollInterval: '1s' } },
        },
        // The README's way of naming staff: channel github, the numeric GitHub user id.
        rules: { staff: [{ name: 'Sam', role: 'support', identities: [{ channel: 'github', id: String(STAFF.id) }] }] },
      });
      const db = hub.db;
      const inquiry = (status: string) => async () => {
        const rows = await db.query<{ status: string; external_id: string; title: string | null }>(
          `SELECT i.status, c.external_id, c.title FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE c.channel = $1`,
          ['github'],
        );
        return rows.length === 1 && rows[0]?.status === status ? rows : undefined;
      };

      const opened = await waitFor(inquiry('open'), 30_000, 'an open inquiry on channel github');
      expect(opened).toEqual([{ status: 'open', external_id: 'acme/widgets#1', title: 'Export fails at 1000 rows' }]);

      github.addComment(issue.number, { body: 'Thanks, looking into it.', user: STAFF });
      const answered = await waitFor(inquiry('answered'), 30_000, 'the inquiry answered by the staff comment');
      expect(answered).toEqual([{ status: 'answered', external_id: 'acme/widgets#1', title: 'Export fails at 1000 rows' }]);
    });
  });
});
