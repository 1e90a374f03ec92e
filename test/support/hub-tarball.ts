import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = path.join(__dirname, '../..');

/**
 * A fresh folder for packing and installing: the run's memory-backed scratch space where
 * global setup made one (installs write thousands of files), the system's temp dir otherwise.
 */
export function scratchFolder(prefix: string): string {
  return mkdtempSync(path.join(process.env.REPLYWATCH_TEST_SCRATCH_DIR ?? tmpdir(), prefix));
}

/**
 * The hub as an integrator installs it: `npm pack` of this repository (its `files`: dist,
 * the example configs, docs) into a fresh folder. Needs `npm run build` first (npm test runs it).
 */
export async function packHub(): Promise<string> {
  if (!existsSync(path.join(REPO_ROOT, 'dist/plugins/sdk/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const destination = scratchFolder('replywatch-pack-');
  await run('npm', ['pack', '--pack-destination', destination, '--silent'], { cwd: REPO_ROOT });
  const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${destination}`);
  return path.join(destination, tarball);
}

/** `npm <args>` in `cwd`, offline-first (the registry is only asked for what the cache lacks). */
export async function npm(cwd: string, args: string[], timeoutMs = 240_000): Promise<{ stdout: string; stderr: string }> {
  return run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
}

/** Longest a test file waits for another file's packing or seed before doing its own. */
const SHARED_WAIT_MS = 180_000;

/**
 * The packed hub for this run: the first test file that asks packs it, the others wait for it
 * and use the same file (the packaging tests each packed their own, the same bytes). Outside a
 * jest run with its scratch folder, a fresh pack. Removed with the run's scratch folder.
 */
export async function runHubTarball(): Promise<string> {
  const scratch = process.env.REPLYWATCH_TEST_SCRATCH_DIR;
  if (!scratch) return packHub();
  const folder = path.join(scratch, 'hub-pack');
  const shared = await sharedOnce(folder, async (building) => {
    renameSync(await packHub(), path.join(building, 'replywatch.tgz'));
  });
  return shared ? path.join(folder, 'replywatch.tgz') : packHub();
}

/**
 * Fills `dir/node_modules` with a copy of this run's first finished plugin install, if one is
 * kept (see keepSeed). Most of an install is unpacking the hub's own dependencies, the same
 * for every plugin; from a copy, npm adds and prunes what the package's own package.json asks,
 * as a clean install would, in about a second instead of ten.
 */
export function plantSeed(dir: string): boolean {
  const seed = seedFolder();
  if (!seed || !existsSync(seed)) return false;
  cpSync(path.join(seed, 'node_modules'), path.join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  return true;
}

/** Keeps a copy of `dir/node_modules`, a finished install, as the run's seed unless one is kept. */
export async function keepSeed(dir: string): Promise<void> {
  const seed = seedFolder();
  if (!seed) return;
  await sharedOnce(seed, (building) => {
    cpSync(path.join(dir, 'node_modules'), path.join(building, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    return Promise.resolve();
  }, 0);
}

function seedFolder(): string | undefined {
  const scratch = process.env.REPLYWATCH_TEST_SCRATCH_DIR;
  return scratch ? path.join(scratch, 'npm-seed') : undefined;
}

/**
 * `folder` made once per run: the caller that takes its lock fills a temporary folder and
 * renames it into place, so no one sees it half made; the others wait up to `waitMs` for it.
 * True when the folder is there.
 */
async function sharedOnce(folder: string, make: (building: string) => Promise<void>, waitMs = SHARED_WAIT_MS): Promise<boolean> {
  if (existsSync(folder)) return true;
  try {
    mkdirSync(`${folder}.lock`);
  } catch {
    for (const deadline = Date.now() + waitMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      if (existsSync(folder)) return true;
    }
    return existsSync(folder);
  }
  const building = mkdtempSync(`${folder}.building-`);
  try {
    await make(building);
    renameSync(building, folder);
    return true;
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
}
