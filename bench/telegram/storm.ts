import { setTimeout as sleep } from 'node:timers/promises';
import { mulberry32 } from '../shared/random';
import { type HubLog } from './hub-log';
import { customerOf, DUTY_CHAT, groupChatId, groupTitle, startBenchHub, type BenchHub } from './hub';
import { ResourceWatch, type ResourceFigures } from './resources';
import { type Check, check } from '../shared/report';

/** Longest wait for every notification to reach the duty chat. */
const DELIVERY_LIMIT_MS = 150_000;
/** After the last one arrived: time for a late duplicate (a retry of something already sent) to show. */
const SETTLE_MS = 2000;

export interface StormFigures {
  notifications: number;
  throttlesInjected: number;
  /** retry_after of the injected 429s, in order, seconds. */
  retryAfterSeconds: number[];
  throttlesServed: number;
  sendMessageCalls: number;
  /** Push of the first customer message to the last notification the duty chat received; null if not all arrived. */
  seconds: number | null;
  /** Pacing alone (1 message/s per chat): (notifications - 1) s; the injected waits add up to sum(retry_after). */
  pacingFloorSeconds: number;
  injectedWaitSeconds: number;
  delivered: number;
  resources: ResourceFigures;
}

/**
 * A second, fresh hub whose rules notify the duty chat of every opened inquiry. 429s with
 * retry_after 1-3 s are queued on sendMessage to the duty chat, then one customer message in
 * each of `notifications` groups opens as many inquiries at once. Measures how long until all
 * notifications are in the duty chat, and checks each arrived once, in outbox (seq) order.
 */
export async function runStorm(
  options: { adminUrl: string | null; notifications: number; throttles: number; seed: number },
  logger: HubLog,
): Promise<{ figures: StormFigures; checks: Check[]; location: string }> {
  const hub = await startBenchHub({ adminUrl: options.adminUrl, notifyOpened: true, logger });
  try {
    const random = mulberry32(options.seed + 7919);
    const retryAfter = Array.from({ length: options.throttles }, () => 1 + Math.floor(random() * 3));
    for (const seconds of retryAfter) {
      hub.peer.failNext(
        'sendMessage',
        { kind: 'error', code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } },
        { chatId: DUTY_CHAT, times: 1 },
      );
    }
    const resources = new ResourceWatch();
    const started = Date.now();
    for (let group = 0; group < options.notifications; group++) {
      hub.peer.groupMessage({ chatId: groupChatId(group), title: groupTitle(group), from: customerOf(group), text: `Our dashboard is down (storm ${group})` });
    }
    const arrived = await allArrived(hub, options.notifications);
    await sleep(SETTLE_MS);
    const figuresOfResources = resources.stop();
    const sent = hub.peer.sentTo(DUTY_CHAT);
    const sendCalls = hub.peer.callsTo('sendMessage').filter((c) => Number(c.params.chat_id) === DUTY_CHAT);
    const last = sent[options.notifications - 1];
    const figures: StormFigures = {
      notifications: options.notifications,
      throttlesInjected: options.throttles,
      retryAfterSeconds: retryAfter,
      throttlesServed: sendCalls.filter((c) => c.status === 429).length,
      sendMessageCalls: sendCalls.length,
      seconds: arrived && last ? (last.at - started) / 1000 : null,
      pacingFloorSeconds: Math.max(0, options.notifications - 1),
      injectedWaitSeconds: retryAfter.reduce((a, b) => a + b, 0),
      delivered: sent.length,
      resources: figuresOfResources,
    };
    return { figures, checks: await stormChecks(hub, options.notifications, figures), location: hub.location };
  } finally {
    await hub.stop();
  }
}

async function allArrived(hub: BenchHub, count: number): Promise<boolean> {
  const deadline = performance.now() + DELIVERY_LIMIT_MS;
  while (hub.peer.sentTo(DUTY_CHAT).length < count) {
    if (performance.now() > deadline) {
      console.error(`   only ${hub.peer.sentTo(DUTY_CHAT).length} of ${count} notifications reached the duty chat within ${DELIVERY_LIMIT_MS / 1000} s`);
      return false;
    }
    await sleep(10);
  }
  return true;
}

async function stormChecks(hub: BenchHub, count: number, figures: StormFigures): Promise<Check[]> {
  // The headline is "🆕 New inquiry — <title>"; the lines after it link to the chat.
  const sentTitles = hub.peer.sentTo(DUTY_CHAT).map((s) => titleOfHeadline(typeof s.params.text === 'string' ? s.params.text : ''));
  const rows = await hub.db.query<{ title: string | null; status: string }>(
    `SELECT payload->'conversation'->>'title' AS title, status FROM deliveries WHERE connector = 'telegram' ORDER BY seq`,
  );
  const written = rows.map((r) => r.title ?? '');
  const expected = Array.from({ length: count }, (_, g) => groupTitle(g));
  const seen = new Map<string, number>();
  for (const title of sentTitles) seen.set(title, (seen.get(title) ?? 0) + 1);
  const missing = expected.filter((t) => !seen.has(t));
  const twice = [...seen].filter(([, n]) => n > 1).map(([t]) => t);
  const notDelivered = rows.filter((r) => r.status !== 'delivered');
  const firstOutOfOrder = sentTitles.findIndex((t, i) => t !== written[i]);
  const violations = hub.peer.violations();
  return [
    check('429 storm: one delivery written per opened inquiry', written.length === count && new Set(written).size === count, `${written.length} deliveries for ${count} inquiries`),
    check('429 storm: every notification reached the duty chat', missing.length === 0, missing.length === 0 ? `${count} of ${count}` : `${missing.length} missing, e.g. ${missing.slice(0, 3).join(', ')}`),
    check('429 storm: none sent twice', twice.length === 0 && sentTitles.length === count, twice.length === 0 ? `${sentTitles.length} messages` : `${twice.length} sent more than once, e.g. ${twice.slice(0, 3).join(', ')}`),
    check(
      '429 storm: sent in the order the deliveries were written (seq)',
      firstOutOfOrder === -1 && sentTitles.length === written.length,
      firstOutOfOrder === -1 ? 'same order' : `position ${firstOutOfOrder}: sent "${sentTitles[firstOutOfOrder]}", written "${written[firstOutOfOrder]}"`,
    ),
    check('429 storm: every delivery marked delivered', notDelivered.length === 0, notDelivered.length === 0 ? `${rows.length} delivered` : `${notDelivered.length} not: ${[...new Set(notDelivered.map((r) => r.status))].join(', ')}`),
    check('429 storm: every injected 429 was served', figures.throttlesServed === figures.throttlesInjected, `${figures.throttlesServed} of ${figures.throttlesInjected}`),
    check('429 storm: nothing sent to a customer chat', violations.length === 0, `${violations.length} calls`),
  ];
}

function titleOfHeadline(text: string): string {
  const headline = text.split('\n')[0] ?? '';
  const at = headline.indexOf(' — ');
  return at === -1 ? '' : headline.slice(at + ' — '.length);
}
