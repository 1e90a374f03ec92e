// This folder's suites, run as one jest file (see test/support/suites.ts).
import './admin-api.fuzz.suite';
import './http-ingest.fuzz.suite';
import './telegram-webhook.fuzz.suite';
