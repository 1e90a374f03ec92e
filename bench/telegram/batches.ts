import { Metrics } from '../../src/core/observability/metrics';
import { type BenchHub } from './hub';

export interface BatchFigures {
  /** Intake transactions committed during the phase (every channel, warm-up excluded). */
  batches: number;
  meanBatch: number;
}

/** Reads the hub's intake batch-size histogram now; diff two readings for a phase. */
export async function batchReading(hub: BenchHub): Promise<{ count: number; sum: number }> {
  const { values } = await hub.app.get(Metrics).intakeBatchSize.get();
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  return { count, sum };
}

export function batchesBetween(before: { count: number; sum: number }, after: { count: number; sum: number }): BatchFigures {
  const batches = after.count - before.count;
  return { batches, meanBatch: batches > 0 ? (after.sum - before.sum) / batches : 0 };
}
