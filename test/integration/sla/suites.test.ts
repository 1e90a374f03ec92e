// This folder's suites, run as one jest file (see test/support/suites.ts).
import './escalation.suite';
import './holiday-feeds.suite';
import './inquiry-commands.suite';
import './inquiry-sla.suite';
import './recompute.suite';
import './scheduler.suite';
import './storm-guard.suite';
