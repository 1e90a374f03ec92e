// This folder's suites, run as one jest file (see test/support/suites.ts).
import './connector-catalog.suite';
import './connector-host.suite';
import './connector-runtime.suite';
import './connector-services.suite';
import './import-boundaries.suite';
