import { runSuitesIn } from '../../support/suites';

// Every *.suite.ts in this folder, as one jest file (see runSuitesIn).
runSuitesIn(__dirname);
