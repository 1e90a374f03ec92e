// This folder's suites, run as one jest file (see test/support/suites.ts).
import './config-errors.suite';
import './hub-paths.suite';
