// This folder's suites, run as one jest file (see test/support/suites.ts).
import './webhook-crash.suite';
import './webhook-delivery.suite';
import './webhook-outage.suite';
import './webhook-peer-faults.suite';
