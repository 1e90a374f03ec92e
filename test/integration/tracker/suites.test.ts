// This folder's suites, run as one jest file (see test/support/suites.ts).
import './fake-tracker.suite';
import './tracker-back-sync.suite';
import './tracker-comment-resolve.suite';
import './tracker-create.suite';
import './tracker-errors.suite';
import './tracker-kit.suite';
