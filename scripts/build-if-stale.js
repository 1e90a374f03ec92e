#!/usr/bin/env node
'use strict';
// `npm start`, `npm test` and CI's build step run this first: it builds (`npm run build`) only
// when there is no build yet or a source file changed since the last one, so a restart or a
// second test run takes seconds instead of a full tsc run.
// A build that fails leaves the stamp alone: the next start tries again instead of running
// whatever tsc emitted. Plain JavaScript, because it runs before anything is compiled.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const STAMP = path.join('dist', '.build-stamp');
/** What the build reads. Directories count too: adding, removing or renaming a file touches them. */
const INPUTS = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestChange(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestChange(path.join(entry, name)));
  }
  return newest;
}

function stampTime() {
  try {
    return fs.statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

function build() {
  const npm = process.env.npm_execpath;
  const command = npm ? process.execPath : 'npm';
  const args = npm ? [npm, 'run', 'build'] : ['run', 'build'];
  return spawnSync(command, args, { stdio: 'inherit', shell: !npm && process.platform === 'win32' }).status ?? 1;
}

function main() {
  const built = stampTime();
  if (built >= 0 && INPUTS.every((input) => newestChange(input) <= built)) {
    process.stdout.write('dist/ is up to date with src/: not rebuilding (`npm run build` forces a build)\n');
    return 0;
  }
  // Stamped with the time the build started, so a file saved during the build counts as newer.
  const started = new Date();
  const status = build();
  if (status !== 0) return status;
  fs.mkdirSync('dist', { recursive: true });
  fs.writeFileSync(STAMP, `built from src/ at ${started.toISOString()}\n`);
  fs.utimesSync(STAMP, started, started);
  return 0;
}

process.exitCode = main();
