// This folder's suites, run as one jest file (see test/support/suites.ts).
import './csv-export.suite';
import './report-cli.suite';
import './report-series.suite';
import './sla-report.suite';
