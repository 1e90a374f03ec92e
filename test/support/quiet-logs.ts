import { Logger } from '@nestjs/common';

// Tests provoke failures on purpose; their log lines would bury the report. Set
// REPLYWATCH_TEST_LOGS=1 to see them.
if (!process.env.REPLYWATCH_TEST_LOGS) Logger.overrideLogger(false);
