import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Database } from '../../src/core/persistence/database';
import { machineInfo } from '../intake/report';
import { abortRun, pendingCleanups, runMain } from '../shared/lifecycle';
import { BENCH_ADMIN_TOKEN, BENCH_VIEWER_TOKEN, signIn, startHub } from './hub';
import { seedWaiting } from './seed';

const INQUIRIES = Number(process.env.BENCH_CONSOLE_INQUIRIES ?? 10_000);
const SAMPLES = Number(process.env.BENCH_CONSOLE_SAMPLES ?? 7);
const LIMIT_MS = 1000;
const CHROMIUM = process.env.REPLYWATCH_CHROMIUM ?? '/usr/bin/chromium';

interface Sample {
  fcp: number;
  ttfb: number;
  bytes: number;
}

/**
 * First paint of the console's queue with 10,000 waiting inquiries, in headless Chromium
 * against `node dist/cli.js start` (embedded database), beside the sign-in page of the same
 * run as a baseline (same shell, script and style, no data). Each sample is a fresh browser
 * context: no cached assets, a new connection. Exits 1 when the queue's median is over 1 s.
 */
async function main(): Promise<number> {
  const watchdog = setTimeout(() => void abortRun('timed out after 300 s'), 300_000);
  watchdog.unref();
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'replywatch-bench-console-'));
  pendingCleanups.add(() => rm(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');

  const seedStart = performance.now();
  const db = await Database.open({ dataDir, poolSize: 1 });
  await db.migrate();
  await seedWaiting(db, INQUIRIES, Date.now());
  await db.close();
  console.log(`seeded ${INQUIRIES} waiting inquiries in ${Math.round(performance.now() - seedStart)} ms (embedded database)`);

  const hub = await startHub(dir, dataDir);
  pendingCleanups.add(() => hub.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  pendingCleanups.add(() => browser.close());
  try {
    const cookie = await signIn(hub.url, BENCH_ADMIN_TOKEN);
    const viewerCookie = await signIn(hub.url, BENCH_VIEWER_TOKEN);
    // One unmeasured load each: the hub's first query plans and Chromium's first start of a renderer.
    await measure(browser, `${hub.url}/sign-in`, undefined);
    await measure(browser, `${hub.url}/`, cookie);
    const baseline = await samples(browser, `${hub.url}/sign-in`, undefined);
    const queue = await samples(browser, `${hub.url}/`, cookie);
    const viewer = await samples(browser, `${hub.url}/`, viewerCookie);
    const lastPage = await samples(browser, `${hub.url}/?channel=email&policy=default`, cookie);
    console.log(`\nfirst-contentful-paint, median of ${SAMPLES} (ttfb = response start; html bytes)`);
    print('sign-in page (baseline, no data)', baseline);
    print(`queue, ${INQUIRIES} waiting, page of 100, operator`, queue);
    print('the same as a viewer (no commands)', viewer);
    print('queue filtered by channel and policy', lastPage);
    const fcp = median(queue.map((s) => s.fcp));
    const pass = fcp < LIMIT_MS;
    console.log(`\ncheck: queue first paint ${fcp} ms < ${LIMIT_MS} ms: ${pass ? 'PASS' : 'FAIL'}`);
    console.log(`RESULT ${JSON.stringify({ inquiries: INQUIRIES, baselineFcpMs: median(baseline.map((s) => s.fcp)), queueFcpMs: fcp, queueTtfbMs: median(queue.map((s) => s.ttfb)), filteredFcpMs: median(lastPage.map((s) => s.fcp)) })}`);
    return pass ? 0 : 1;
  } finally {
    await browser.close();
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function samples(browser: Browser, url: string, cookie: string | undefined): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < SAMPLES; i++) out.push(await measure(browser, url, cookie));
  return out;
}

async function measure(browser: Browser, url: string, cookie: string | undefined): Promise<Sample> {
  const context = await browser.newContext();
  try {
    if (cookie) {
      const [name = '', value = ''] = cookie.split('=');
      await context.addCookies([{ name, value, url }]);
    }
    const page = await context.newPage();
    const response = await page.goto(url, { waitUntil: 'load' });
    if (response?.status() !== 200) throw new Error(`${url} answered ${response?.status()}`);
    const bytes = (await response.body()).length;
    // Paint entries arrive after load at the latest; wait for the first one.
    const figures = await page.evaluate<{ fcp: number; ttfb: number }>(`new Promise((resolve) => {
      const read = () => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const nav = performance.getEntriesByType('navigation')[0];
        if (paint) resolve({ fcp: paint.startTime, ttfb: nav ? nav.responseStart : 0 });
        else setTimeout(read, 10);
      };
      read();
    })`);
    return { fcp: Math.round(figures.fcp), ttfb: Math.round(figures.ttfb), bytes };
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function print(label: string, list: Sample[]): void {
  const fcp = list.map((s) => s.fcp);
  console.log(`  ${label.padEnd(40)} fcp ${median(fcp)} ms (min ${Math.min(...fcp)}, max ${Math.max(...fcp)}), ttfb ${median(list.map((s) => s.ttfb))} ms, ${Math.round((list[0]?.bytes ?? 0) / 1024)} KiB`);
}

runMain(main);
