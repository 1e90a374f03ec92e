// This folder's suites, run as one jest file (see test/support/suites.ts).
import './fake-zendesk.suite';
import './zendesk-errors.suite';
import './zendesk-kit.suite';
import './zendesk-tickets.suite';
import './zendesk-webhook.suite';
