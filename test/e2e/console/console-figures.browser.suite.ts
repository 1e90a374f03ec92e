import { type Page } from 'playwright-core';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { newBrowserPage, screenshot, SCREENSHOT_DIR } from '../../support/browser';
import { ingestBody, type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';
import { startConsoleHub, VIEWER_TOKEN } from './console-fixture';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const MIN = 60_000;

/**
 * The figures page in a real headless Chromium: a viewer opens it from the navigation, uPlot
 * draws both charts under the strict CSP, the tables behind them hold the numbers, and the
 * page fits a phone.
 */
describe(`web console figures page in a browser (${testBackend})`, () => {
  const clock = new VirtualClock(NOW);
  let page: Page;
  let hub: TestHub;
  const problems: string[] = [];

  const say = async (conversation: string, at: number, role?: 'staff') => {
    const body = { ...ingestBody({ conversation, sentAt: new Date(at).toISOString(), ...(role ? { role, author: 'agent-anna' } : {}) }), conversation: { id: conversation, title: `Chat ${conversation}` } };
    expect((await hub.post(body)).status).toBe(200);
  };

  beforeAll(async () => {
    [page, hub] = await Promise.all([newBrowserPage(), startConsoleHub({ clock })]);
    for (const [conversation, opened, answered] of [
      ['one', 2 * 24 * 60, 10],
      ['two', 2 * 24 * 60 - 30, 90],
      ['three', 24 * 60, 45],
      ['four', 180, 130],
      ['five', 30, 20],
    ] as const) {
      await say(conversation, NOW - opened * MIN);
      await say(conversation, NOW - opened * MIN + answered * MIN, 'staff');
    }
    await say('waiting', NOW - 5 * MIN);
    page.on('pageerror', (error) => problems.push(error.message));
    // A CSP refusal is only a console message: count it as a failure.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    // Every file the page asks for is there (the browser's own favicon request aside).
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
    });
    console.log(`console screenshots: ${SCREENSHOT_DIR}`);
  });

  afterAll(async () => {
    await page?.close();
    await hub?.close();
  });

  it('opens Figures from the navigation and draws both charts over their tables', async () => {
    await page.goto(`${hub.url}/`);
    await page.getByLabel('Token').fill(VIEWER_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${hub.url}/`);
    await page.getByRole('link', { name: 'Figures' }).click();
    await page.waitForURL(`${hub.url}/figures`);
    expect(await page.getByRole('link', { name: 'Figures' }).getAttribute('aria-current')).toBe('page');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Figures');

    for (const id of ['chart-breaches', 'chart-frt-histogram']) {
      const canvas = page.locator(`#${id} canvas`);
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
      expect(box?.height ?? 0).toBeGreaterThan(100);
    }
    // The breaches chart has bars: some pixel of its canvas is not blank.
    const painted = await page.evaluate(`(() => {
      const c = document.querySelector('#chart-breaches canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
      return false;
    })()`);
    expect(painted).toBe(true);

    // The tables are folded under their summaries once drawn, and hold the numbers.
    const days = page.getByRole('table', { name: 'Breached inquiries by the day they opened' });
    expect(await days.isVisible()).toBe(false);
    await page.locator('#chart-breaches + details summary').click();
    expect(await days.isVisible()).toBe(true);
    expect(await days.locator('tbody tr').count()).toBe(20);
    expect(await days.locator('tr:has(time[datetime="2026-11-18"]) td').textContent()).toBe('1');
    expect(await days.locator('tr:has(time[datetime="2026-11-20"]) td').textContent()).toBe('1');
    const figures = page.getByRole('table', { name: 'Inquiries opened in the period' });
    expect(await figures.locator('tr[data-figure="breaches"] td').textContent()).toBe('2');
    // What the browser shows is what the admin API answers for the same period.
    const api = (await (await hub.admin('/api/v1/reports?period=this-month')).json()) as Record<string, number>;
    const shown = async (key: string) => figures.locator(`tr[data-figure="${key}"] td`).textContent();
    for (const [key, field] of [['inquiries', 'inquiries'], ['answered', 'answered'], ['still-open', 'stillOpen'], ['breaches', 'breaches']] as const) {
      expect(await shown(key)).toBe(String(api[field]));
    }
    expect(await shown('within-sla')).toBe(`${api.withinSlaPercent} %`);
    expect(await page.getByRole('link', { name: /Download the inquiries of November 2026 to date as CSV/ }).getAttribute('href')).toBe('/figures/csv?period=this-month');
    await screenshot(page, 'figures');
  });

  it('changes the period with the form, and fits a phone', async () => {
    await page.getByRole('combobox', { name: /^Period/ }).selectOption('last-7-days');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/\/figures\?period=last-7-days/);
    await page.locator('#chart-breaches canvas').waitFor();
    expect(await page.locator('#figures-period strong').textContent()).toBe('7 days to 2026-11-19 (UTC)');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('#chart-frt-histogram canvas').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'figures-phone');
    expect(problems).toEqual([]);
  });
});
