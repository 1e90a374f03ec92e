// This folder's suites, run as one jest file (see test/support/suites.ts).
import './fakes.suite';
import './first-party.suite';
import './inbound-kit.suite';
import './kit-database.suite';
import './mail-kit.suite';
import './outbound-kit.suite';
import './test-context.suite';
