import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const CLI = path.join(__dirname, '../../../dist/cli.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The built `replywatch` as its own process, as a user runs it: what it prints, its exit code.
 * A command that does not finish within `timeoutMs` is killed and fails the test that ran it.
 */
export function runBuiltCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...options.env };
  // A variable given as undefined is one the command must not see at all.
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { cwd: options.cwd, env, timeout: options.timeoutMs ?? 15_000 }, (error, stdout, stderr) => {
      if (error && error.killed) {
        reject(new Error(`replywatch ${args.join(' ')} did not finish in time (killed)\n${stdout}\n${stderr}`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
