import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hubConfigSchema, type HubConfig } from './hub-config.schema';
import { keepAdminToken } from './kept-admin-token';

describe('keepAdminToken', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-admin-token-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const hub = (overrides: Record<string, unknown> = {}): HubConfig => hubConfigSchema.parse({ database: { dataDir: path.join(dir, 'data') }, ...overrides });

  it('makes one on the first start, for its owner alone, and the next start reads the same', () => {
    const first = hub();
    expect(keepAdminToken(first, { create: true })).toEqual({ file: path.join(dir, 'data', 'admin.token'), created: true });
    expect(statSync(path.join(dir, 'data', 'admin.token')).mode & 0o777).toBe(0o600);
    const again = hub();
    expect(keepAdminToken(again, { create: true })).toEqual({ file: path.join(dir, 'data', 'admin.token'), created: false });
    expect(again.admin.token).toBe(first.admin.token);
    expect(first.admin.token?.length).toBeGreaterThanOrEqual(32);
  });

  it('leaves a configured token, a server database, an in-memory one and generateToken: false alone', () => {
    const cases = [
      hub({ admin: { token: 'configured-token-0123456789' } }),
      hub({ database: { url: 'postgres://db.example.test/replywatch', dataDir: path.join(dir, 'data') } }),
      hub({ database: { dataDir: 'memory://' } }),
      hub({ admin: { generateToken: false } }),
    ];
    for (const config of cases) expect(keepAdminToken(config, { create: true })).toBeUndefined();
    expect(cases[0]?.admin.token).toBe('configured-token-0123456789');
    expect(cases.slice(1).every((c) => c.admin.token === undefined)).toBe(true);
  });

  it('only reads when not asked to create (the CLI), and refuses a file that holds no token without quoting it', () => {
    expect(keepAdminToken(hub(), { create: false })).toBeUndefined();
    keepAdminToken(hub(), { create: true });
    writeFileSync(path.join(dir, 'data', 'admin.token'), 'short-secret\n');
    expect(() => keepAdminToken(hub(), { create: false })).toThrow(/admin\.token does not hold an admin token of at least 16 characters; delete it/);
    expect(() => keepAdminToken(hub(), { create: false })).not.toThrow(/short-secret/);
    expect(readFileSync(path.join(dir, 'data', 'admin.token'), 'utf8')).toBe('short-secret\n');
  });

  it('refuses a symbolic link in place of the file, and takes the one another start linked first', () => {
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'elsewhere'), 'somebody-elses-secret-0123456789\n');
    symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'data', 'admin.token'));
    expect(() => keepAdminToken(hub(), { create: true })).toThrow(/admin\.token is a symbolic link/);
    rmSync(path.join(dir, 'data', 'admin.token'));
    writeFileSync(path.join(dir, 'data', 'admin.token'), 'made-by-another-start-0123456789\n', { mode: 0o600 });
    const config = hub();
    expect(keepAdminToken(config, { create: true })?.created).toBe(false);
    expect(config.admin.token).toBe('made-by-another-start-0123456789');
    expect(readdirSync(path.join(dir, 'data'))).toEqual(['admin.token']);
  });
});
