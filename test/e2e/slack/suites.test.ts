// This folder's suites, run as one jest file (see test/support/suites.ts).
import './slack-delivery.suite';
import './slack-peer-faults.suite';
