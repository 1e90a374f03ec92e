// This folder's suites, run as one jest file (see test/support/suites.ts).
import './dovecot-harness.suite';
import './mail-redelivery.suite';
