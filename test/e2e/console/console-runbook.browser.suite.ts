import { DateTime } from 'luxon';
import { type Page } from 'playwright-core';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { newBrowserPage, screenshot, SCREENSHOT_DIR } from '../../support/browser';
import { type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';
import { startConsoleHub, VIEWER_TOKEN } from './console-fixture';
import { RUNBOOK_RULES } from './runbook-rules';

/** The runbook page in a headless Chromium: a viewer opens it from the navigation and asks the what-if. */
describe(`web console runbook page in a browser (${testBackend})`, () => {
  const clock = new VirtualClock(DateTime.fromISO('2026-12-04T16:30', { zone: 'Europe/Berlin' }).toMillis());
  let page: Page;
  let hub: TestHub;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [page, hub] = await Promise.all([newBrowserPage(), startConsoleHub({ clock, rules: RUNBOOK_RULES })]);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    console.log(`console screenshots: ${SCREENSHOT_DIR}`);
  });

  afterAll(async () => {
    await page?.close();
    await hub?.close();
  });

  it('opens from the navigation and answers the what-if form', async () => {
    await page.goto(`${hub.url}/`);
    await page.getByLabel('Token').fill(VIEWER_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${hub.url}/`);
    await page.getByRole('link', { name: 'Runbook' }).click();
    await page.waitForURL(`${hub.url}/runbook`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Runbook');
    const calendars = page.getByRole('table', { name: /Business calendars/ });
    expect(await calendars.locator('tr[data-calendar="berlin"] .next-intervals li').allTextContents()).toEqual([
      'Fri 2026-12-04 16:30 to 18:00',
      'Mon 2026-12-07 09:00 to 18:00',
      'Wed 2026-12-09 09:00 to 18:00',
      'Thu 2026-12-10 09:00 to 18:00',
      'Fri 2026-12-11 09:00 to 18:00',
    ]);

    await page.getByRole('combobox', { name: /^Policy/ }).selectOption('vip');
    await page.getByLabel(/Clock starts/).fill('2026-12-04T17:30');
    await page.getByRole('button', { name: 'Compute' }).click();
    await page.waitForURL(/\/runbook\?policy=vip&calendar=&from=2026-12-04T17%3A30&minutes=#what-if$/);
    expect(await page.locator('.what-if-result dd.due').textContent()).toBe('2026-12-07T10:30:00+01:00');
    expect(await page.getByRole('table', { name: /marks and escalation steps/ }).locator('tbody th').allTextContents()).toEqual(['⚡ warning', '⚠️ breach', '🚨 escalation 1']);
    await screenshot(page, 'runbook-what-if');
  });

  it('fits a phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'runbook-phone');
    expect(pageErrors).toEqual([]);
  });
});
