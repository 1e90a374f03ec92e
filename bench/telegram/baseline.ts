import { type InboundMessage } from '../../src/plugins/sdk/message';
import { batchesBetween, batchReading, type BatchFigures } from './batches';
import { BASELINE_CHANNEL, customerOf, groupChatId, groupTitle, STAFF_USER, type BenchHub } from './hub';
import { ResourceWatch, type ResourceFigures } from './resources';
import { runSchedule } from './schedule';
import { receivedAt, stampLatencies } from './stamps';
import { perSecond, summarize, type LatencySummary } from './stats';
import { messageText, type LoadEvent, type PhaseWorkload } from './workload';

export interface BaselineFigures {
  messages: number;
  offeredPerSecond: number;
  /** First scheduled call to the last resolve. */
  seconds: number;
  perSecond: number;
  /** accept() call to resolve, i.e. to commit. */
  resolveMs: LatencySummary;
  /** accept() call to the row's received_at stamp: comparable with the Telegram figures. */
  stampMs: LatencySummary;
  sendLagMs: LatencySummary;
  errors: number;
  firstError: string | null;
  intake: BatchFigures;
  resources: ResourceFigures;
}

/**
 * The cost without Telegram: the sustained workload (same events, same rate) accepted directly
 * through the hub's own IntakeService sink, channel "bench", the conversations and message ids
 * shaped as the Telegram mapper would shape them.
 */
export async function runBaseline(hub: BenchHub, workload: PhaseWorkload, rate: number): Promise<{ figures: BaselineFigures; keys: string[] }> {
  const sink = { accept: (message: InboundMessage) => hub.intake.accept(BASELINE_CHANNEL, message) };
  const { events } = workload;
  const messages = numbered(events);
  const calledAt = new Map<string, number>();
  const resolveMs = new Float64Array(events.length);
  let errors = 0;
  let firstError: string | null = null;
  let lastResolve = 0;
  const batchesBefore = await batchReading(hub);
  const resources = new ResourceWatch();
  let outstanding = events.length;
  let allSettled: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (allSettled = resolve));

  const run = await runSchedule(events, (i) => {
    const message = messages[i] as InboundMessage;
    const t0 = performance.now();
    calledAt.set(message.id, Date.now());
    message.sentAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const done = () => {
      const now = performance.now();
      resolveMs[i] = now - t0;
      lastResolve = Math.max(lastResolve, now);
      if (--outstanding === 0) allSettled();
    };
    sink.accept(message).then(done, (error: unknown) => {
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
      done();
    });
  });
  await settled;
  const elapsed = lastResolve - run.startedAt;
  const figures = resources.stop();
  const intake = batchesBetween(batchesBefore, await batchReading(hub));
  const { latencies } = stampLatencies(calledAt, await receivedAt(hub.db, BASELINE_CHANNEL));
  return {
    figures: {
      messages: events.length,
      offeredPerSecond: rate,
      seconds: elapsed / 1000,
      perSecond: perSecond(events.length, elapsed),
      resolveMs: summarize(resolveMs),
      stampMs: summarize(latencies),
      sendLagMs: run.sendLagMs,
      errors,
      firstError,
      intake,
      resources: figures,
    },
    keys: [...calledAt.keys()],
  };
}

/** The inbound messages of the events, ids `${chatId}:${n}` numbered per group like Telegram's. */
function numbered(events: readonly LoadEvent[]): InboundMessage[] {
  const counters = new Map<number, number>();
  return events.map((e, i) => {
    const chatId = groupChatId(e.group);
    const n = (counters.get(chatId) ?? 0) + 1;
    counters.set(chatId, n);
    const customer = customerOf(e.group);
    return {
      conversation: { id: String(chatId), title: groupTitle(e.group) },
      id: `${chatId}:${n}`,
      text: messageText(e, i),
      sentAt: new Date(0),
      author: e.role === 'staff' ? { id: String(STAFF_USER.id), name: STAFF_USER.first_name } : { id: String(customer.id), name: customer.first_name },
    };
  });
}
