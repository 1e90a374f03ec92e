import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { Database } from '../../src/core/persistence/database';
import { machineInfo } from '../intake/report';
import { abortRun, pendingCleanups, runMain } from '../shared/lifecycle';
import { BENCH_ADMIN_TOKEN, signIn, startHub } from './hub';
import { figures, type PhaseFigures, type Sent, type Shown } from './live-stats';
import { seedWaiting } from './seed';

const RATE = Number(process.env.BENCH_LIVE_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
const BASELINE_SECONDS = Number(process.env.BENCH_LIVE_BASELINE_SECONDS ?? 5);
const SEEDED = Number(process.env.BENCH_LIVE_SEEDED ?? 1000);
const CHROMIUM = process.env.REPLYWATCH_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Falling behind, defined: the page refreshes at most once a second, so a change waits up to
 * 1 s for the next fetch, plus the fetch and the redraw. It keeps up if it shows every message
 * within CATCH_UP_MS of the last one, 95% of messages within P95_LIMIT_MS of their POST (one
 * whole refresh cycle missed, and then some), and its lag does not grow by more than one
 * second's worth of events from the first third of the run to the last.
 */
const CATCH_UP_MS = 2000;
const P95_LIMIT_MS = 2500;

/**
 * Live updates under intake: the queue page open in headless Chromium while signed customer
 * messages open new inquiries at RATE a second for SECONDS, against `node dist/cli.js start`
 * on an embedded database with SEEDED inquiries waiting. The page's "N waiting" total is
 * recorded in the page each time it changes; compared with what was posted, it gives the
 * delay from a POST to the page counting it and the lag each second. The same at 1 a second
 * first, as a baseline. Exits 1 when the page falls behind (see CATCH_UP_MS).
 */
async function main(): Promise<number> {
  const watchdog = setTimeout(() => void abortRun('timed out after 300 s'), 300_000);
  watchdog.unref();
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}; load average at start ${loadAverage()}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'replywatch-bench-live-'));
  pendingCleanups.add(() => rm(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  const db = await Database.open({ dataDir, poolSize: 1 });
  await db.migrate();
  // Opened in the last 10 minutes: no mark (the first is at 45) fires during the run.
  await seedWaiting(db, SEEDED, Date.now(), 10 * 60_000);
  await db.close();

  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const hub = await startHub(dir, dataDir, { ingestSecret: secret });
  pendingCleanups.add(() => hub.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  pendingCleanups.add(() => browser.close());
  try {
    const cookie = await signIn(hub.url, BENCH_ADMIN_TOKEN);
    const context = await browser.newContext();
    const [name = '', value = ''] = cookie.split('=');
    await context.addCookies([{ name, value, url: hub.url }]);
    const page = await context.newPage();
    let fetches = 0;
    page.on('request', (req) => {
      if (req.url().includes('/queue/rows')) fetches++;
    });
    await page.goto(`${hub.url}/`);
    await page.locator('#live-state', { hasText: 'Live updates on' }).waitFor();
    await watchTotal(page);
    const poster = new Poster(hub.url, secret);

    const baseline = await phase(page, poster, 'base', 1, BASELINE_SECONDS, () => fetches);
    const load = await phase(page, poster, 'load', RATE, SECONDS, () => fetches);
    console.log(`\nlive queue page, operator, ${SEEDED} inquiries seeded; delay = POST start → the page's total counts it`);
    print(`baseline: 1/s for ${BASELINE_SECONDS} s`, baseline);
    print(`load: ${RATE}/s for ${SECONDS} s`, load);
    console.log(`  lag each second under load: ${load.lagSamples.join(' ')}`);
    const checks = [
      [`caught up within ${CATCH_UP_MS} ms of the last POST`, load.caughtUpMs !== null && load.caughtUpMs <= CATCH_UP_MS],
      [`p95 delay ≤ ${P95_LIMIT_MS} ms`, load.delayP95 <= P95_LIMIT_MS],
      [`lag does not grow (last third vs first third ≤ ${RATE} events)`, load.lagGrowth <= RATE],
      ['every POST accepted', poster.failed === 0],
    ] as const;
    for (const [what, ok] of checks) console.log(`check: ${what}: ${ok ? 'PASS' : 'FAIL'}`);
    console.log(`load average at end ${loadAverage()}`);
    const pass = checks.every(([, ok]) => ok);
    const summary = (f: PhaseFigures & { fetchesPerSecond: number }) => ({ ...f, lagSamples: undefined });
    console.log(`RESULT ${JSON.stringify({ rate: RATE, seconds: SECONDS, seeded: SEEDED, baseline: summary(baseline), load: summary(load), failedPosts: poster.failed, pass })}`);
    return pass ? 0 : 1;
  } finally {
    await browser.close();
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Posts `rate` new inquiries a second for `seconds` on a fixed schedule (not waiting for answers), then waits for the page. */
async function phase(page: Page, poster: Poster, label: string, rate: number, seconds: number, fetchCount: () => number): Promise<PhaseFigures & { fetchesPerSecond: number }> {
  const base = await settledTotal(page);
  await page.evaluate('window.__shown = []');
  const fetchesBefore = fetchCount();
  const count = Math.round(rate * seconds);
  const start = Date.now();
  const posts: Array<Promise<Sent | undefined>> = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / rate - Date.now();
    if (wait > 0) await sleep(wait);
    posts.push(poster.post(`${label}-${i}`));
  }
  const sent = (await Promise.all(posts)).filter((s): s is Sent => s !== undefined);
  // Up to 10 s for the page to count the last one; a page that never does fails the check.
  for (let i = 0; i < 100 && (await total(page)) < base + sent.length; i++) await sleep(100);
  await sleep(3000);
  const shown = await page.evaluate<Shown[]>('window.__shown');
  const elapsed = (Date.now() - start) / 1000;
  return { ...figures(sent, shown, base), fetchesPerSecond: Math.round(((fetchCount() - fetchesBefore) / elapsed) * 10) / 10 };
}

/** Records in the page each change of the queue's waiting total, with the time it showed. */
async function watchTotal(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__shown = [];
    const read = () => Number((document.getElementById('queue-summary')?.textContent ?? '').replace(/[^0-9].*$/, ''));
    let last = read();
    new MutationObserver(() => {
      const n = read();
      if (n !== last) { last = n; window.__shown.push({ t: Date.now(), n }); }
    }).observe(document.getElementById('queue'), { childList: true, subtree: true, characterData: true });
  })()`);
}

function total(page: Page): Promise<number> {
  return page.evaluate<number>(`Number((document.getElementById('queue-summary')?.textContent ?? '').replace(/[^0-9].*$/, ''))`);
}

/** The total once it has stopped moving (the previous phase's last refresh is in). */
async function settledTotal(page: Page): Promise<number> {
  let last = await total(page);
  for (;;) {
    await sleep(1500);
    const now = await total(page);
    if (now === last) return now;
    last = now;
  }
}

/** Signed customer messages to `POST /api/v1/messages`, each opening an inquiry in a new conversation. */
class Poster {
  private readonly webhook: Webhook;
  failed = 0;

  constructor(
    private readonly url: string,
    secret: string,
  ) {
    this.webhook = new Webhook(secret);
  }

  async post(conversation: string): Promise<Sent | undefined> {
    const start = Date.now();
    const body = JSON.stringify({ conversation: { id: `live-${conversation}`, title: `Live ${conversation}` }, message: { id: randomUUID(), text: 'Our invoices are not loading', sentAt: new Date(start - 1000).toISOString() }, author: { id: `client-${conversation}` } });
    const id = `msg_${randomUUID()}`;
    const at = new Date(start);
    const res = await fetch(`${this.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(start / 1000)), 'webhook-signature': this.webhook.sign(id, at, body) },
      body,
    }).catch(() => undefined);
    await res?.arrayBuffer();
    if (res?.status !== 200) {
      this.failed++;
      return undefined;
    }
    return { start, committed: Date.now() };
  }
}

function print(label: string, f: PhaseFigures & { fetchesPerSecond: number }): void {
  console.log(
    `  ${label.padEnd(24)} sent ${f.sent} at ${f.rate}/s; delay p50 ${f.delayP50} ms, p95 ${f.delayP95} ms, max ${f.delayMax} ms (the POST itself p50 ${f.postP50}, p95 ${f.postP95} ms); lag max ${f.lagMax} (peak ${f.lagPeak}), growth ${f.lagGrowth}; caught up ${f.caughtUpMs ?? 'never'} ms after the last POST; ${f.fetchesPerSecond} row fetches/s`,
  );
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

runMain(main);
