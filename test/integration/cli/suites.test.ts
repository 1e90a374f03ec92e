// This folder's suites, run as one jest file (see test/support/suites.ts).
import './build-if-stale.suite';
import './cli.suite';
import './help.suite';
import './init.suite';
import './mail-check.suite';
import './plugin-new.suite';
import './read-through-hub.suite';
import './send-unreachable.suite';
import './send.suite';
import './usage-table.suite';
