import { EventEmitter2 } from '@nestjs/event-emitter';
import { SystemClock } from '../../src/core/clock/clock';
import { rulesSchema } from '../../src/core/config/rules.schema';
import { IntakeService } from '../../src/core/intake/intake.service';
import { Metrics } from '../../src/core/observability/metrics';
import { type Database } from '../../src/core/persistence/database';
import { RulesStore } from '../../src/core/rules/rules-store';
import { perSecond, summarize, type LatencySummary } from './stats';
import { CHANNEL, type Workload } from './workload';

export interface IntakeFigures {
  messages: number;
  seconds: number;
  perSecond: number;
  latencyMs: LatencySummary;
  /** Accept results reporting a new (non-duplicate) message. */
  accepted: number;
  duplicatesReported: number;
  errors: number;
  firstError: string | null;
  batches: number;
  meanBatch: number;
}

/**
 * Drives the real intake path (as wired in test/support/intake-harness.ts, but on the system
 * clock) with a fixed number of senders, each waiting for its accept() before sending the
 * next message. accept() resolves after commit, so each sample is arrival-to-commit.
 */
export async function runIntake(db: Database, workload: Workload, concurrency: number, maxBatch: number): Promise<IntakeFigures> {
  const metrics = new Metrics();
  const rules = rulesSchema.parse({ version: 1 });
  const intake = new IntakeService(db, new SystemClock(), { maxBatch }, new RulesStore(rules), new EventEmitter2(), metrics);
  const { messages } = workload;
  const latencies = new Float64Array(messages.length);
  let next = 0;
  let accepted = 0;
  let duplicatesReported = 0;
  let errors = 0;
  let firstError: string | null = null;

  const sender = async () => {
    while (next < messages.length) {
      const i = next++;
      const message = messages[i];
      if (!message) break;
      const started = performance.now();
      try {
        const result = await intake.accept(CHANNEL, message);
        if (result.duplicate) duplicatesReported++;
        else accepted++;
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      latencies[i] = performance.now() - started;
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, sender));
  const elapsed = performance.now() - started;
  await intake.close();

  const batches = await batchSizes(metrics);
  return {
    messages: messages.length,
    seconds: elapsed / 1000,
    perSecond: perSecond(messages.length, elapsed),
    latencyMs: summarize(latencies),
    accepted,
    duplicatesReported,
    errors,
    firstError,
    ...batches,
  };
}

async function batchSizes(metrics: Metrics): Promise<{ batches: number; meanBatch: number }> {
  const { values } = await metrics.intakeBatchSize.get();
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  return { batches: count, meanBatch: count > 0 ? sum / count : 0 };
}
