'use strict';
const path = require('node:path');

/**
 * One short line per finished test file: how far the run is, how long it has taken, and the
 * file's outcome, e.g. `[ 12/117  1m05s] PASS integration test/e2e/hub/suites.test.ts 8.1 s, 9 tests`.
 * A folder's `suites.test.ts` runs many suites (see test/support/suites.ts) and can take minutes,
 * so each of its top-level describe blocks gets a line too when the next one starts or the file
 * ends, e.g. `[        1m02s]   test/e2e/telegram › Telegram polling (pglite): 7 tests, 11.4 s`.
 * Jest's own summary reporter follows with the totals and every failure in full.
 */
class ProgressReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.total = 0;
    this.done = 0;
    this.startedAt = Date.now();
    /** Per running file: its current top-level describe block, how many tests it had, since when. */
    this.groups = new Map();
  }

  onRunStart(results) {
    this.total = results.numTotalTestSuites;
    this.startedAt = Date.now();
  }

  onTestFileStart(test) {
    // A file of one suite needs no line per describe block: its own line says it all.
    if (path.basename(test.path) === 'suites.test.ts') this.groups.set(test.path, { title: undefined, tests: 0, since: Date.now() });
  }

  onTestCaseResult(test, result) {
    const group = this.groups.get(test.path);
    if (!group) return;
    const title = result.ancestorTitles[0] ?? '(outside any describe)';
    if (group.title !== undefined && group.title !== title) this.printGroup(test.path, group);
    if (group.title !== title) Object.assign(group, { title, tests: 0 });
    group.tests += 1;
  }

  onTestFileResult(test, result) {
    this.done += 1;
    const group = this.groups.get(test.path);
    this.groups.delete(test.path);
    if (group?.title !== undefined) this.printGroup(test.path, group);
    const failed = result.numFailingTests > 0 || result.testExecError !== undefined;
    const project = test.context.config.displayName?.name ?? '';
    const file = path.relative(this.rootDir, result.testFilePath);
    const seconds = ((result.perfStats.end - result.perfStats.start) / 1000).toFixed(1);
    const tests = result.numPassingTests + result.numFailingTests + result.numPendingTests;
    const lines = [`${this.head(String(this.done))} ${failed ? 'FAIL' : 'PASS'} ${project} ${file} ${seconds} s, ${tests} tests`];
    for (const t of result.testResults) if (t.status === 'failed') lines.push(`    ✕ ${t.fullName}`);
    if (result.testExecError) lines.push(`    ✕ ${result.testExecError.message.split('\n')[0]}`);
    process.stderr.write(`${lines.join('\n')}\n`);
  }

  printGroup(file, group) {
    const folder = path.relative(this.rootDir, path.dirname(file));
    const seconds = ((Date.now() - group.since) / 1000).toFixed(1);
    process.stderr.write(`${this.head('')}   ${folder} › ${group.title}: ${group.tests} tests, ${seconds} s\n`);
    group.since = Date.now();
  }

  /** `[ 12/117  1m05s]`, or with the count left blank. */
  head(count) {
    const width = String(this.total).length;
    return `[${count.padStart(width)}${count ? '/' : ' '.repeat(width + 1)}${this.total && count ? this.total : ''} ${elapsed(Date.now() - this.startedAt).padStart(6)}]`;
  }
}

function elapsed(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

module.exports = ProgressReporter;
