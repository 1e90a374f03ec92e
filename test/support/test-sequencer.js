'use strict';
const { readdirSync, statSync } = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * The files that took longest on two cores, longest first (measured 2026-12-03). Their time goes
 * to hubs, child processes and npm rather than lines of test code, so their size underrates
 * them. Only a hint for the first run after a clone; jest's own timings take over after that.
 */
const LONGEST_FIRST = [
  'test/e2e/telegram/suites.test.ts',
  'test/e2e/mail/suites.test.ts',
  'test/e2e/console/suites.test.ts',
  'test/integration/cli/suites.test.ts',
  'test/e2e/plugin-scaffold.test.ts',
  'test/e2e/tickets/suites.test.ts',
  'test/e2e/hub/suites.test.ts',
  'test/e2e/webhook/suites.test.ts',
  'test/integration/persistence/data-dir.test.ts',
  'test/e2e/example-plugins.test.ts',
  'test/integration/kit/suites.test.ts',
  'test/fuzz/suites.test.ts',
  'test/integration/plugins/suites.test.ts',
  'test/e2e/slack/suites.test.ts',
];

/**
 * Jest's own order, with one change for a run without timings from an earlier one (a fresh
 * clone, as in CI): jest then starts the largest files first, since they tend to run longest.
 * Here the files known to be long start first, then the rest by size, where a
 * `suites.test.ts` (a few lines that import the `*.suite.ts` files beside it, see
 * test/support/suites.ts) weighs what it loads. Without this, the longest files of the run
 * would start last, and the run would end with one worker busy and the others idle.
 */
class SuiteWeightSequencer extends Sequencer {
  sort(tests) {
    const weights = new Map();
    const weight = (test) => {
      if (!weights.has(test.path)) weights.set(test.path, weightOf(test.path));
      return weights.get(test.path);
    };
    for (const test of tests) test.duration = this.time(test);
    return tests.sort((a, b) => {
      const failedA = this.hasFailed(a);
      const failedB = this.hasFailed(b);
      if (failedA !== failedB) return failedA ? -1 : 1;
      const timedA = a.duration != null;
      const timedB = b.duration != null;
      // As jest does: a file without a time (new since the last run) goes first.
      if (timedA !== timedB) return timedA ? 1 : -1;
      if (timedA) return b.duration - a.duration;
      return weight(b) - weight(a);
    });
  }
}

function weightOf(file) {
  const rank = LONGEST_FIRST.indexOf(path.relative(path.join(__dirname, '../..'), file).split(path.sep).join('/'));
  if (rank >= 0) return Number.MAX_SAFE_INTEGER - rank;
  const own = statSync(file).size;
  if (path.basename(file) !== 'suites.test.ts') return own;
  const dir = path.dirname(file);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.suite.ts'))
    .reduce((sum, name) => sum + statSync(path.join(dir, name)).size, own);
}

module.exports = SuiteWeightSequencer;
module.exports.LONGEST_FIRST = LONGEST_FIRST;
