import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
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
