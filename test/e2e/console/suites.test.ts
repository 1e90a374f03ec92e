// This folder's suites, run as one jest file (see test/support/suites.ts).
import './console-figures-http.suite';
import './console-figures-parity.suite';
import './console-figures.browser.suite';
import './console-first-start.suite';
import './console-http.suite';
import './console-live-http.suite';
import './console-live.browser.suite';
import './console-pages-http.suite';
import './console-pages.browser.suite';
import './console-queue.browser.suite';
import './console-runbook-http.suite';
import './console-runbook.browser.suite';
