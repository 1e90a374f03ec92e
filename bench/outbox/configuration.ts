import { setTimeout as sleep } from 'node:timers/promises';
import { scratchPostgres } from '../intake/databases';
import { pendingCleanups } from '../shared/lifecycle';
import { check, type Check } from '../shared/report';
import { measureWire, type WireBaseline } from './baseline';
import { drainFigures, phaseFigures, type DrainFigures, type PhaseFigures } from './figures';
import { outboxSection } from './hub-config';
import { cleanExit, startHubs, type OutboxHub } from './hubs';
import { openInquiries, type EnqueueFigures } from './intake-load';
import { type OutboxBenchOptions } from './options';
import { type Peer } from './peer';
import { type PeerArrival } from './peer-protocol';
import { busyShare, machineCpu } from './resources';
import { readCounters, readDeliveries, type DatabaseCounters, type StoredDelivery } from './stored';

/** Progress lines while waiting, so a slow outbox shows as slow, not as hung. */
const PROGRESS_EVERY_MS = 10_000;

export interface Configuration {
  replicas: number;
  concurrency: number;
}

/** The database's counters over one phase's session, with its deliveries and their attempts. */
export interface PhaseCounters extends DatabaseCounters {
  deliveries: number;
  attempts: number;
}

export interface ConfigurationRun extends Configuration {
  notes: string[];
  healthy: PhaseFigures & { offeredPerSecond: number; enqueue: EnqueueFigures; hubCpuShare: number; machineBusyShare: number; counters: PhaseCounters };
  outage: DrainFigures & { refused: number; counters: PhaseCounters };
  baseline: WireBaseline;
  checks: Check[];
}

export interface Secrets {
  ingest: string;
  webhook: string;
}

interface Context {
  config: Configuration;
  options: OutboxBenchOptions;
  peer: Peer;
  secrets: Secrets;
  dir: string;
}

/**
 * One configuration: the healthy phase and the outage phase, each in a session of its own (a
 * fresh database, fresh hubs, a warm-up), so a phase cut off at its time limit leaves no
 * backlog in front of the next; then the wire baseline at the same concurrency, same peer.
 */
export async function runConfiguration(config: Configuration, options: OutboxBenchOptions, peer: Peer, secrets: Secrets, dir: string): Promise<ConfigurationRun> {
  const ctx: Context = { config, options, peer, secrets, dir };
  const { section, notes } = outboxSection(config.concurrency, options.pollInterval);
  const K = options.endpoints;

  console.log(`   healthy: ${options.deliveries} deliveries ${options.rate > 0 ? `offered at ${options.rate}/s` : 'queued at once'} ...`);
  const healthy = await session(ctx, section, async (hubs, send) => {
    const cpuBefore = await Promise.all(hubs.map((h) => h.cpuMs()));
    const machineBefore = await machineCpu();
    const started = performance.now();
    const enqueue = await send('healthy', options.deliveries / K, options.rate / K);
    const cutAt = await waitArrived(ctx, enqueue.acknowledged * K, hubs, started);
    const elapsedMs = performance.now() - started;
    const cpuAfter = await Promise.all(hubs.map((h) => h.cpuMs()));
    const hubCpuShare = cpuAfter.reduce((sum, ms, i) => sum + ms - (cpuBefore[i] ?? 0), 0) / elapsedMs;
    return { enqueue, cutAt, hubCpuShare, machineBusyShare: busyShare(machineBefore, await machineCpu()) };
  });

  console.log(`   outage: the peer answers 503; ${options.outageDeliveries} deliveries queued, ${options.outageSeconds} s down, then healthy ...`);
  const outage = await session(ctx, section, async (hubs, send) => {
    await peer.setMode('outage');
    const enqueue = await send('outage', options.outageDeliveries / K, 0);
    await sleep(options.outageSeconds * 1000);
    const healthyAt = Date.now();
    const recovered = performance.now();
    const { refused } = await peer.setMode('healthy');
    const cutAt = await waitArrived(ctx, enqueue.acknowledged * K, hubs, recovered);
    return { enqueue, healthyAt, refused, cutAt };
  });

  const h = healthy.result;
  const o = outage.result;
  const label = `c${config.concurrency}r${config.replicas}`;
  console.log(`   wire baseline: ${options.deliveries} signed POSTs, ${config.concurrency} at a time ...`);
  const baseline = await measureWire(peer.url, secrets.webhook, healthy.sample ?? '{}', { requests: options.deliveries, concurrency: config.concurrency, endpoints: K, label });
  await peer.take();
  const run: ConfigurationRun = {
    ...config,
    notes,
    healthy: {
      ...phaseFigures('healthy', h.enqueue.acknowledged * K, healthy.stored, healthy.arrivals, h.cutAt),
      offeredPerSecond: options.rate,
      enqueue: h.enqueue,
      hubCpuShare: h.hubCpuShare,
      machineBusyShare: h.machineBusyShare,
      counters: healthy.counters,
    },
    outage: { ...drainFigures(o.enqueue.acknowledged * K, outage.stored, outage.arrivals, o.healthyAt, o.cutAt), refused: o.refused, counters: outage.counters },
    baseline,
    checks: [],
  };
  run.checks = [...checksOf(run, healthy, 'healthy'), ...checksOf(run, outage, 'outage'), check('the wire baseline had no failures', baseline.failures === 0, `${baseline.failures} failures`)];
  return run;
}

interface Session<T> {
  result: T;
  exits: string[];
  stored: StoredDelivery[];
  arrivals: Map<string, PeerArrival>;
  counters: PhaseCounters;
  badSignatures: number;
  sample: string | undefined;
}

type Send = (prefix: string, messages: number, messagesPerSecond: number) => Promise<EnqueueFigures>;

/**
 * A fresh database and hubs, a warm-up, then `phase`; then the hubs stop, and what the
 * database and the peer recorded is read. The database is dropped whatever happens.
 */
async function session<T>(ctx: Context, outbox: Record<string, unknown>, phase: (hubs: readonly OutboxHub[], send: Send) => Promise<T>): Promise<Session<T>> {
  const { config, options, peer, secrets } = ctx;
  const scratch = await scratchPostgres(options.adminUrl);
  try {
    const hubs = await startHubs({ dir: ctx.dir, databaseUrl: scratch.url, peerUrl: peer.url, endpoints: options.endpoints, outbox, ingestSecret: secrets.ingest, webhookSecret: secrets.webhook }, config.replicas);
    const stopAll = () => Promise.all(hubs.map((hub) => hub.stop()));
    const stopOnAbort = async () => void (await stopAll());
    pendingCleanups.add(stopOnAbort);
    let result: T;
    let exits: string[];
    try {
      console.log(`     ${hubs.map((hub) => `${hub.name} pid ${hub.pid}`).join(', ')}; database ${scratch.location}`);
      const urls = hubs.map((hub) => hub.baseUrl);
      const send: Send = (prefix, messages, messagesPerSecond) => openInquiries(urls, secrets.ingest, prefix, messages, { messagesPerRequest: options.messagesPerRequest, messagesPerSecond });
      const warmStart = performance.now();
      const warm = await send('warm', options.warmMessages, 0);
      await waitArrived(ctx, warm.acknowledged * options.endpoints, hubs, warmStart);
      await peer.take();
      result = await phase(hubs, send);
    } finally {
      exits = await stopAll();
      pendingCleanups.delete(stopOnAbort);
    }
    const counters = await readCounters(scratch.url);
    const stored = await readDeliveries(scratch.url);
    const taken = await peer.take();
    return {
      result,
      exits,
      stored,
      arrivals: new Map(taken.arrivals.map((a) => [a.id, a])),
      counters: { ...counters, deliveries: stored.length, attempts: stored.reduce((sum, d) => sum + d.attempts, 0) },
      badSignatures: taken.counts.badSignatures,
      sample: taken.sample,
    };
  } finally {
    await scratch.drop();
  }
}

/**
 * Polls the peer until `expected` distinct deliveries arrived since the last take. Gives up
 * once the phase limit has passed since `since` (performance.now() at the start of the
 * measured window) and returns the wall clock then; undefined when everything arrived.
 */
async function waitArrived(ctx: Context, expected: number, hubs: readonly OutboxHub[], since: number): Promise<number | undefined> {
  let reportedAt = performance.now();
  for (;;) {
    const { accepted } = await ctx.peer.counts();
    if (accepted >= expected) return undefined;
    const now = performance.now();
    if (now - since > ctx.options.phaseLimitSeconds * 1000) {
      console.log(`     cut off: ${accepted} of ${expected} arrived within the ${ctx.options.phaseLimitSeconds} s phase limit`);
      if (accepted === 0) for (const hub of hubs) console.log(await hub.logTail(8));
      return Date.now();
    }
    if (now - reportedAt > PROGRESS_EVERY_MS) {
      reportedAt = now;
      console.log(`     ... ${accepted} of ${expected} arrived`);
    }
    await sleep(50);
  }
}

function checksOf(run: ConfigurationRun, session: Session<unknown>, name: 'healthy' | 'outage'): Check[] {
  const f = run[name];
  const duplicates = [...session.arrivals.values()].reduce((sum, a) => sum + a.okCount - 1, 0);
  const arrivedAll = f.arrived === f.expected ? 'all arrived' : `${f.expected - f.arrived} still queued at the phase limit`;
  return [
    ...session.exits.map((how, i) => check(`${name}: hub-${i + 1} stopped cleanly on SIGTERM`, cleanExit(how), how)),
    // A slow outbox is a figure, not a failure: what was cut off by the limit is reported as such.
    check(`${name}: every delivery stored, none dead`, f.stored === f.expected && f.dead === 0, `${f.expected} expected, ${f.stored} stored, ${f.dead} dead; ${arrivedAll}`),
    check(`${name}: no webhook-id answered 2xx twice`, duplicates === 0, `${duplicates} duplicates over ${session.arrivals.size} ids`),
    check(`${name}: deliveries with an ordering key arrived in outbox order (webhooks have none since contract 2.6)`, f.outOfOrder === 0, `${f.outOfOrder} out of order`),
    check(`${name}: every signature verified, only stored deliveries received`, session.badSignatures === 0 && session.arrivals.size <= session.stored.length, `${session.badSignatures} refused with 401; ${session.arrivals.size} ids received, ${session.stored.length} stored`),
  ];
}
