// This folder's suites, run as one jest file (see test/support/suites.ts).
import './report-timezone.suite';
import './telegram-commands.suite';
import './telegram-delivery.suite';
import './telegram-export-size.suite';
import './telegram-flow.suite';
import './telegram-reports.suite';
import './telegram-resilience.suite';
import './telegram-topic-titles.suite';
import './telegram-webhook.suite';
