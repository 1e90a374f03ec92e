// This folder's suites, run as one jest file (see test/support/suites.ts).
import './intake-concurrency.suite';
import './intake.suite';
