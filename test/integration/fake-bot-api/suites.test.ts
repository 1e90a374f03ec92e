// This folder's suites, run as one jest file (see test/support/suites.ts).
import './fake-bot-api-writes.suite';
import './fake-bot-api.suite';
