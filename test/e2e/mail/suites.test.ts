// This folder's suites, run as one jest file (see test/support/suites.ts).
import './mail-flow.suite';
import './mail-oauth.suite';
import './mail-resilience.suite';
