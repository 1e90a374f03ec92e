import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPluginNew } from '../../../src/cli/plugin-new.command';
import { UsageError } from '../../../src/cli/usage-error';
import { CONTRACT_VERSION } from '../../../src/plugins/sdk/version';

const REPO_ROOT = path.join(__dirname, '../../..');

describe('replywatch plugin new', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'replywatch-plugin-new-'));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(work, { recursive: true, force: true });
  });

  async function usageError(args: string[]): Promise<string> {
    const error = (await runPluginNew(args).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as Error | undefined;
    expect(error).toBeInstanceOf(UsageError);
    return error?.message ?? '';
  }

  it('refuses a NAME that is not kebab-case, since it becomes the connector id and the package name', async () => {
    for (const name of ['TeamChat', 'team_chat', 'team--chat', 'team-', '7chat', 'team chat', 'tëam']) {
      expect(await usageError([name, '--outbound', '--dir', path.join(work, 'out')])).toMatch(/must be kebab-case .*replywatch-plugin-NAME/);
    }
    expect(await usageError(['replywatch-plugin-chat', '--outbound', '--dir', path.join(work, 'out')])).toMatch(/try "chat"/);
    expect(await usageError(['telegram', '--outbound', '--dir', path.join(work, 'out')])).toMatch(/built into the hub/);
    expect(readdirSync(work)).toEqual([]);
  });

  it('needs exactly one of --outbound and --inbound', async () => {
    expect(await usageError(['team-chat', '--dir', path.join(work, 'out')])).toMatch(/exactly one of --outbound .* and --inbound/);
    expect(await usageError(['team-chat', '--outbound', '--inbound', '--dir', path.join(work, 'out')])).toMatch(/exactly one of --outbound .* and --inbound/);
    expect(readdirSync(work)).toEqual([]);
  });

  it('needs one NAME and knows its options', async () => {
    expect(await usageError(['--outbound'])).toContain('expected "plugin new NAME --outbound|--inbound [--dir DIR] [--sdk SPEC]"');
    expect(await usageError(['team-chat', 'extra', '--outbound'])).toContain('expected "plugin new NAME');
    expect(await usageError(['team-chat', '--outbound', '--force'])).toMatch(/--force/);
    expect(await usageError(['team-chat', '--outbound', '--dir'])).toMatch(/--dir/);
  });

  it('refuses a folder that has anything in it, and leaves it untouched', async () => {
    const dir = path.join(work, 'taken');
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "mine" }\n');
    expect(await usageError(['team-chat', '--outbound', '--dir', dir])).toMatch(/is not empty; choose another --dir \(nothing was written\)/);
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(['package.json', 'src']);
    expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe('{ "name": "mine" }\n');

    const file = path.join(work, 'a-file');
    writeFileSync(file, 'keep');
    expect(await usageError(['team-chat', '--inbound', '--dir', file])).toMatch(/is not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep');
  });

  it('writes into a new or empty folder, with this installation as the default SDK', async () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const empty = path.join(work, 'empty');
    mkdirSync(empty);
    expect(await runPluginNew(['json-feed', '--inbound', '--dir', empty])).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(empty, 'package.json'), 'utf8')) as { name: string; devDependencies: Record<string, string> };
    expect(manifest.name).toBe('replywatch-plugin-json-feed');
    expect(manifest.devDependencies.replywatch).toBe(`file:${REPO_ROOT}`);
    expect(readFileSync(path.join(empty, 'src/index.ts'), 'utf8')).toContain(`contractVersion: '${CONTRACT_VERSION}'`);

    // A relative file: spec means a path from where the command runs, not from the new folder.
    const cwd = jest.spyOn(process, 'cwd').mockReturnValue(work);
    const fresh = path.join(work, 'nested/fresh');
    expect(await runPluginNew(['team-chat', '--outbound', '--dir', fresh, '--sdk', 'file:./replywatch-0.1.0.tgz'])).toBe(0);
    cwd.mockRestore();
    expect((JSON.parse(readFileSync(path.join(fresh, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.replywatch).toBe(
      `file:${path.join(work, 'replywatch-0.1.0.tgz')}`,
    );
    expect(out.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('npm install');
  });
});
