/** The hub's own view of a phase, from /metrics: how intake grouped and how long a message waited. */
export interface IntakeCounters {
  batches: number;
  batchedMessages: number;
  committedMessages: number;
  commitSecondsSum: number;
}

export interface IntakeView {
  meanBatch: number;
  /** Arrival in intake to commit, mean over the phase. */
  meanCommitMs: number;
}

export async function scrapeIntake(baseUrl: string): Promise<IntakeCounters> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    batches: value('replywatch_intake_batch_size_count'),
    batchedMessages: value('replywatch_intake_batch_size_sum'),
    committedMessages: value('replywatch_intake_commit_seconds_count'),
    commitSecondsSum: value('replywatch_intake_commit_seconds_sum'),
  };
}

export function intakeView(before: IntakeCounters, after: IntakeCounters): IntakeView {
  const batches = after.batches - before.batches;
  const committed = after.committedMessages - before.committedMessages;
  return {
    meanBatch: batches > 0 ? (after.batchedMessages - before.batchedMessages) / batches : 0,
    meanCommitMs: committed > 0 ? ((after.commitSecondsSum - before.commitSecondsSum) * 1000) / committed : 0,
  };
}
