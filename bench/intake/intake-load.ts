import { intakeSchema } from '../../src/core/config/hub-config.schema';
import { StaffRoster } from '../../src/core/staff/staff-roster';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SystemClock } from '../../src/core/clock/clock';
import { rulesSchema } from '../../src/core/config/rules.schema';
import { IntakeService } from '../../src/core/intake/intake.service';
import { Metrics } from '../../src/core/observability/metrics';
import { type Database } from '../../src/core/persistence/database';
import { RulesStore } from '../../src/core/rules/rules-store';
import { type InboundMessage } from '../../src/plugins/sdk/message';
import { perSecond, summarize, type LatencySummary } from './stats';
import { CHANNEL, type Workload } from './workload';

export type LoadMode = 'closed' | 'open';

/** Achieved at least this share of the offered rate counts as sustained. */
export const SUSTAINED_SHARE = 0.95;

export type Load =
  | { mode: 'closed'; senders: number }
  | {
      mode: 'open';
      offeredPerSecond: number;
      /** perSecond >= SUSTAINED_SHARE x offeredPerSecond. */
      sustained: boolean;
      /** How late accept() was called against the schedule: the harness's own lag, already inside latencyMs. */
      sendLagMs: LatencySummary;
    };

export interface IntakeFigures {
  load: Load;
  messages: number;
  /** Closed loop: first send to last resolve. Open loop: first scheduled arrival to last resolve. */
  seconds: number;
  perSecond: number;
  /** Closed loop: accept() call to resolve. Open loop: scheduled arrival to resolve (queueing included). */
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
 * The real intake path (as wired in test/support/intake-harness.ts, but on the system clock),
 * plus a tally of what accept() answered. accept() resolves after commit, so every latency
 * sample ends at commit.
 */
class Harness {
  readonly metrics = new Metrics();
  readonly intake: IntakeService;
  readonly latencies: Float64Array;
  accepted = 0;
  duplicatesReported = 0;
  errors = 0;
  firstError: string | null = null;
  lastResolve = 0;

  constructor(
    db: Database,
    readonly messages: readonly InboundMessage[],
    maxBatch: number,
  ) {
    const rules = rulesSchema.parse({ version: 1 });
    const clock = new SystemClock();
    this.intake = new IntakeService(db, clock, intakeSchema.parse({ maxBatch }), new RulesStore(rules), new EventEmitter2(), this.metrics, new StaffRoster(db, clock));
    this.latencies = new Float64Array(messages.length);
  }

  /** Sends message i and records its latency measured from `since` (a performance.now() instant). */
  async send(i: number, since: number): Promise<void> {
    const message = this.messages[i];
    if (!message) return;
    try {
      const result = await this.intake.accept(CHANNEL, message);
      if (result.duplicate) this.duplicatesReported++;
      else this.accepted++;
    } catch (error) {
      this.errors++;
      this.firstError ??= error instanceof Error ? error.message : String(error);
    }
    const now = performance.now();
    this.latencies[i] = now - since;
    if (now > this.lastResolve) this.lastResolve = now;
  }

  async finish(load: Load, elapsedMs: number): Promise<IntakeFigures> {
    await this.intake.close();
    return {
      load,
      messages: this.messages.length,
      seconds: elapsedMs / 1000,
      perSecond: perSecond(this.messages.length, elapsedMs),
      latencyMs: summarize(this.latencies),
      accepted: this.accepted,
      duplicatesReported: this.duplicatesReported,
      errors: this.errors,
      firstError: this.firstError,
      ...(await batchSizes(this.metrics)),
    };
  }
}

/**
 * Closed loop, for peak throughput: a fixed number of senders, each waiting for its accept()
 * before sending the next message. Latency here is about senders / throughput by construction,
 * so it says little about the latency target.
 */
export async function runClosedLoop(db: Database, workload: Workload, senders: number, maxBatch: number): Promise<IntakeFigures> {
  const harness = new Harness(db, workload.messages, maxBatch);
  const count = workload.messages.length;
  let next = 0;
  const sender = async () => {
    while (next < count) await harness.send(next++, performance.now());
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(senders, count) }, sender));
  return harness.finish({ mode: 'closed', senders }, harness.lastResolve - started);
}

/**
 * Open loop, for latency at a given rate: message i arrives at start + i / rate seconds whether
 * or not earlier accept() calls have resolved. A timer loop (setTimeout ticks of >= 1 ms, no
 * busy spin) sends every message whose time has come; latency runs from the scheduled arrival,
 * so falling behind shows up as latency instead of being hidden (no coordinated omission).
 */
export async function runOpenLoop(db: Database, workload: Workload, rate: number, maxBatch: number): Promise<IntakeFigures> {
  const harness = new Harness(db, workload.messages, maxBatch);
  const count = workload.messages.length;
  const interval = 1000 / rate;
  const sendLag = new Float64Array(count);
  const start = performance.now();
  const due = (i: number) => start + i * interval;

  await new Promise<void>((allResolved) => {
    let outstanding = count;
    const settled = () => {
      if (--outstanding === 0) allResolved();
    };
    let next = 0;
    const tick = () => {
      while (next < count) {
        const now = performance.now();
        const at = due(next);
        if (at > now) break;
        sendLag[next] = now - at;
        void harness.send(next++, at).then(settled);
      }
      if (next >= count) return;
      const wait = due(next) - performance.now();
      if (wait <= 0) setImmediate(tick);
      else setTimeout(tick, Math.max(1, Math.floor(wait)));
    };
    tick();
  });

  const elapsed = harness.lastResolve - start;
  const achieved = perSecond(count, elapsed);
  return harness.finish({ mode: 'open', offeredPerSecond: rate, sustained: achieved >= SUSTAINED_SHARE * rate, sendLagMs: summarize(sendLag) }, elapsed);
}

async function batchSizes(metrics: Metrics): Promise<{ batches: number; meanBatch: number }> {
  const { values } = await metrics.intakeBatchSize.get();
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  return { batches: count, meanBatch: count > 0 ? sum / count : 0 };
}
