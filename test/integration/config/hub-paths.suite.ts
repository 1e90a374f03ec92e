import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/core/config/load-config';
import { besideHub } from '../../../src/core/config/relative-paths';
import { inFolder, startTestHub } from '../../support/hub-harness';

/**
 * Every relative path in hub.yaml starts at hub.yaml's folder, wherever the hub is started
 * from; environment variables and defaults, which no file names, start at the working
 * directory; and a deployment whose data sits where older releases looked keeps it.
 */
describe('relative paths in hub.yaml', () => {
  let root: string;
  let hubFile: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'replywatch-hub-paths-'));
    mkdirSync(path.join(root, 'etc'));
    mkdirSync(path.join(root, 'elsewhere'));
    hubFile = path.join(root, 'etc', 'hub.yaml');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('puts database.dataDir beside hub.yaml, whatever the working directory', () => {
    writeFileSync(hubFile, 'database:\n  dataDir: ./state\n');
    const config = inFolder(path.join(root, 'elsewhere'), () => loadConfig({ HUB_CONFIG: hubFile }));
    expect(config.hub.database.dataDir).toBe(path.join(root, 'etc', 'state'));
    expect(config.notices).toEqual([]);
  });

  it('leaves DATA_DIR and the default at the working directory', () => {
    writeFileSync(hubFile, 'database:\n  dataDir: ./state\n');
    expect(inFolder(root, () => loadConfig({ HUB_CONFIG: hubFile, DATA_DIR: './from-env' })).hub.database.dataDir).toBe('./from-env');
    writeFileSync(hubFile, 'server:\n  port: 3999\n');
    expect(inFolder(root, () => loadConfig({ HUB_CONFIG: hubFile })).hub.database.dataDir).toBe('./data');
  });

  it('keeps an embedded database found where older releases looked, and says where to move it', () => {
    writeFileSync(hubFile, 'database:\n  dataDir: ./data\n');
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', 'PG_VERSION'), '17\n');
    const config = inFolder(root, () => loadConfig({ HUB_CONFIG: hubFile }));
    expect(config.hub.database.dataDir).toBe(path.join(root, 'data'));
    expect(config.notices).toEqual([expect.stringContaining(`database.dataDir "./data" is read from the working directory (${path.join(root, 'data')})`)]);
    // Once something exists beside hub.yaml, that wins, and the one left behind is named.
    mkdirSync(path.join(root, 'etc', 'data'));
    const moved = inFolder(root, () => loadConfig({ HUB_CONFIG: hubFile }));
    expect(moved.hub.database.dataDir).toBe(path.join(root, 'etc', 'data'));
    expect(moved.notices).toEqual([expect.stringContaining(`${path.join(root, 'data')}, where older releases looked, is not used`)]);
  });

  it('never takes a directory at the old place that holds no embedded database', () => {
    writeFileSync(hubFile, 'database:\n  dataDir: ./unrelated\n');
    mkdirSync(path.join(root, 'unrelated'));
    writeFileSync(path.join(root, 'unrelated', 'notes.txt'), 'not a database\n');
    const config = inFolder(root, () => loadConfig({ HUB_CONFIG: hubFile }));
    expect(config.hub.database.dataDir).toBe(path.join(root, 'etc', 'unrelated'));
    expect(config.notices).toEqual([]);
  });

  it('finds a rulesFile written as seen from the working directory, and says so', () => {
    writeFileSync(hubFile, 'rulesFile: ./etc/rules.yaml\n');
    writeFileSync(path.join(root, 'etc', 'rules.yaml'), 'version: 1\n');
    const config = inFolder(root, () => loadConfig({ HUB_CONFIG: hubFile }));
    expect(config.rulesSource.file).toBe(path.join(root, 'etc', 'rules.yaml'));
    expect(config.notices).toEqual([expect.stringContaining('rulesFile "./etc/rules.yaml" is read from the working directory')]);
  });

  it('leaves absolute paths, in-memory databases and the no-hub.yaml case alone', () => {
    expect(besideHub(hubFile, '/var/lib/replywatch').path).toBe('/var/lib/replywatch');
    expect(besideHub(hubFile, 'memory://').path).toBe('memory://');
    expect(inFolder(root, () => besideHub(undefined, './x').path)).toBe(path.join(root, 'x'));
  });

  it("creates the HTTP channel's generated secret beside hub.yaml, not in the working directory", async () => {
    const hub = await startTestHub({ hub: { connectors: { http: { enabled: true, secretFile: './secrets/ingest.secret' }, log: { enabled: true } } } });
    try {
      const beside = path.join(path.dirname(hub.rulesFile), 'secrets', 'ingest.secret');
      expect(readFileSync(beside, 'utf8')).toMatch(/^whsec_/);
      expect(existsSync(path.resolve('secrets', 'ingest.secret'))).toBe(false);
    } finally {
      await hub.close();
    }
  });
});
