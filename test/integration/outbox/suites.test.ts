// This folder's suites, run as one jest file (see test/support/suites.ts).
import './outbox-breaker.suite';
import './outbox-runs.suite';
import './outbox.suite';
