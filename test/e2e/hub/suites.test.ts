// This folder's suites, run as one jest file (see test/support/suites.ts).
import './built-in-runbook.suite';
import './delivery-policy.suite';
import './http-ingest.suite';
import './http-stop-under-load.suite';
import './http-timeouts.suite';
import './log-output.suite';
import './rules-reload.suite';
import './shutdown.suite';
import './sla-marks.suite';
