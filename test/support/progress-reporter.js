'use strict';
const path = require('node:path');

/**
 * One short line per finished test file: how far the run is, how long it has taken, and the
 * file's outcome, e.g. `[ 12/117  1m05s] PASS integration test/e2e/hub/http-ingest.suite.ts 8.1 s, 9 tests`.
 * Jest's own summary reporter follows with the totals and every failure in full.
 */
class ProgressReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.total = 0;
    this.done = 0;
    this.startedAt = Date.now();
  }

  onRunStart(results) {
    this.total = results.numTotalTestSuites;
    this.startedAt = Date.now();
  }

  onTestFileResult(test, result) {
    this.done += 1;
    const failed = result.numFailingTests > 0 || result.testExecError !== undefined;
    const project = test.context.config.displayName?.name ?? '';
    const file = path.relative(this.rootDir, result.testFilePath);
    const seconds = ((result.perfStats.end - result.perfStats.start) / 1000).toFixed(1);
    const tests = result.numPassingTests + result.numFailingTests + result.numPendingTests;
    const width = String(this.total).length;
    const head = `[${String(this.done).padStart(width)}/${this.total} ${elapsed(Date.now() - this.startedAt).padStart(6)}]`;
    const lines = [`${head} ${failed ? 'FAIL' : 'PASS'} ${project} ${file} ${seconds} s, ${tests} tests`];
    for (const t of result.testResults) if (t.status === 'failed') lines.push(`    ✕ ${t.fullName}`);
    if (result.testExecError) lines.push(`    ✕ ${result.testExecError.message.split('\n')[0]}`);
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

function elapsed(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

module.exports = ProgressReporter;
