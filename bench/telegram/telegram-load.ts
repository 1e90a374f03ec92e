import { setTimeout as sleep } from 'node:timers/promises';
import { batchesBetween, batchReading, type BatchFigures } from './batches';
import { customerOf, groupChatId, groupTitle, STAFF_USER, type BenchHub } from './hub';
import { ResourceWatch, type ResourceFigures } from './resources';
import { runSchedule } from './schedule';
import { receivedAt, stampLatencies } from './stamps';
import { perSecond, summarize, type LatencySummary } from './stats';
import { messageText, type LoadEvent, type PhaseWorkload } from './workload';

/** How long a phase may take to drain after its last push before the run moves on (and its checks fail). */
const DRAIN_LIMIT_MS = 90_000;

export interface TelegramFigures {
  updates: number;
  /** null for the burst (everything at once). */
  offeredPerSecond: number | null;
  stored: number;
  /** First push to the last row's received_at stamp. */
  seconds: number;
  /** Stored messages over `seconds`. */
  perSecond: number;
  /** Push (peer.groupMessage) to the row's received_at stamp, a few ms before its commit. */
  latencyMs: LatencySummary;
  /** First push until the hub had confirmed every update to the Bot API (committed, cursor saved, next getUpdates); null if it never did. */
  confirmedSeconds: number | null;
  sendLagMs: LatencySummary;
  /** First to last push; in a burst the fake Bot API re-sorts its queue on every push, and the hub cannot run meanwhile. */
  pushLoopSeconds: number;
  /** End of the push loop to the last row's stamp: the hub's own share of a burst. */
  afterLastPushSeconds: number;
  getUpdatesCalls: number;
  intake: BatchFigures;
  resources: ResourceFigures;
}

/**
 * Pushes the phase's updates into the fake Bot API on schedule (the hub long-polls it), waits
 * until the hub has confirmed all of them, then reads every row's received_at back. Keys are
 * `${chatId}:${message_id}`, the external id the connector stores.
 */
export async function runTelegramPhase(hub: BenchHub, workload: PhaseWorkload, offeredPerSecond: number | null): Promise<{ figures: TelegramFigures; keys: string[] }> {
  const { peer } = hub;
  const { events } = workload;
  const pushedAt = new Map<string, number>();
  const pollsBefore = peer.getUpdatesCalls;
  const batchesBefore = await batchReading(hub);
  const resources = new ResourceWatch();
  let firstPush = 0;
  let lastPush = 0;

  const run = await runSchedule(events, (i) => {
    const event = events[i] as LoadEvent;
    const chatId = groupChatId(event.group);
    const at = Date.now();
    firstPush ||= at;
    peer.groupMessage({ chatId, title: groupTitle(event.group), from: event.role === 'staff' ? STAFF_USER : customerOf(event.group), text: messageText(event, i) });
    pushedAt.set(`${chatId}:${peer.lastMessageId(chatId)}`, at);
    lastPush = Date.now();
  });
  const confirmed = await drained(hub);
  const confirmedSeconds = confirmed === null ? null : (confirmed - run.startedAt) / 1000;
  const figures = resources.stop();
  const intake = batchesBetween(batchesBefore, await batchReading(hub));
  const { latencies, lastStamp } = stampLatencies(pushedAt, await receivedAt(hub.db, 'telegram'));
  const elapsed = lastStamp - firstPush;
  return {
    figures: {
      updates: events.length,
      offeredPerSecond,
      stored: latencies.length,
      seconds: elapsed / 1000,
      perSecond: perSecond(latencies.length, elapsed),
      latencyMs: summarize(latencies),
      confirmedSeconds,
      sendLagMs: run.sendLagMs,
      pushLoopSeconds: run.sendSpanMs / 1000,
      afterLastPushSeconds: (lastStamp - lastPush) / 1000,
      getUpdatesCalls: peer.getUpdatesCalls - pollsBefore,
      intake,
      resources: figures,
    },
    keys: [...pushedAt.keys()],
  };
}

/** performance.now() when the peer had no unconfirmed update left, or null after DRAIN_LIMIT_MS. */
async function drained(hub: BenchHub): Promise<number | null> {
  const deadline = performance.now() + DRAIN_LIMIT_MS;
  while (hub.peer.pendingUpdateCount > 0) {
    if (performance.now() > deadline) {
      console.error(`   ${hub.peer.pendingUpdateCount} updates still unconfirmed ${DRAIN_LIMIT_MS / 1000} s after the last push; moving on`);
      return null;
    }
    await sleep(5);
  }
  return performance.now();
}
