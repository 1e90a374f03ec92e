// This folder's suites, run as one jest file (see test/support/suites.ts).
import './helpdesk-crash.suite';
import './helpdesk-sync.suite';
import './ticket-links.suite';
