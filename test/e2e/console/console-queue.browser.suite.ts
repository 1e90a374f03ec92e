import { type Page } from 'playwright-core';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { newBrowserPage, screenshot, SCREENSHOT_DIR } from '../../support/browser';
import { type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';
import { OPERATOR_TOKEN, openInquiry, startConsoleHub, statusOf } from './console-fixture';

const XSS = '<img src=x onerror=alert(1)>';
const PREFIX = '/replywatch';

/**
 * The console in a real headless Chromium: one page for the whole suite, each
 * test going on from where the last one left the page. The hub runs on a virtual clock; the
 * browser ticks countdowns in real seconds from the server's instants. The console sits under
 * a path prefix, as behind a reverse proxy, so every link, form, asset, cookie and the event
 * stream are checked to work there.
 */
describe(`web console in a browser (${testBackend})`, () => {
  let page: Page;
  let hub: TestHub;
  let clock: VirtualClock;
  let inquiry: string;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    clock = new VirtualClock(Date.now());
    [page, hub] = await Promise.all([newBrowserPage(), startConsoleHub({ clock, path: PREFIX })]);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    console.log(`console screenshots: ${SCREENSHOT_DIR}`);
  });

  afterAll(async () => {
    await page?.close();
    await hub?.close();
  });

  const row = () => page.locator(`tr[data-inquiry="${inquiry}"]`);

  it('sends a visitor to sign-in, and signs in with a token into an empty queue', async () => {
    await page.goto(`${hub.url}${PREFIX}`);
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/sign-in`);
    // Nothing of the console at the root: the prefix is the whole of it.
    expect((await fetch(`${hub.url}/sign-in`)).status).toBe(404);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${hub.url}${PREFIX}/`);
    await expect(page.getByRole('heading', { name: 'Waiting inquiries' }).isVisible()).resolves.toBe(true);
    expect(await page.locator('#queue-summary').textContent()).toBe('0 waiting, 0 on hold');
    // The event stream is open before anything happens that it should show.
    await page.locator('#live-state', { hasText: 'Live updates on' }).waitFor();
    const urls = [...(await page.content()).matchAll(/(?:href|src|action|data-[a-z-]+-url)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThan(4);
    expect(urls.filter((url) => !url.startsWith('#') && !url.startsWith(`${PREFIX}/`))).toEqual([]);
    await screenshot(page, 'queue-empty');
  });

  it('shows an inquiry arriving live after a signed POST, its customer-written title as text', async () => {
    inquiry = await openInquiry(hub, 'browser-chat', XSS, new Date(clock.now() - 60_000));
    await row().waitFor({ timeout: 5_000 });
    expect(await row().locator('.title').textContent()).toBe(XSS);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#queue-summary').textContent()).toBe('1 waiting, 0 on hold');
    expect(dialogs).toEqual([]);
  });

  it('ticks the countdown to the deadline every second on the server’s clock', async () => {
    const deadline = row().locator('td[data-label="Deadline"] time');
    const first = await deadline.textContent();
    // Opened a minute ago under a 60 min target: about 59 minutes left.
    expect(first).toMatch(/^in 5[89]:\d\d$/);
    let now = first;
    for (let i = 0; i < 30 && now === first; i++) {
      await page.waitForTimeout(100);
      now = await deadline.textContent();
    }
    const seconds = (text: string | null) => {
      const [m, s] = (text ?? '').replace('in ', '').split(':').map(Number);
      return (m ?? 0) * 60 + (s ?? 0);
    };
    expect(seconds(await deadline.textContent())).toBeLessThan(seconds(first));
    await screenshot(page, 'queue-countdown');
  });

  it('shows a fired mark live: 45 minutes later the ⚡ warning is past and ❗ critical is next', async () => {
    expect(await row().locator('td[data-label="Next mark"]').textContent()).toContain('⚡ warning');
    await clock.advance(45 * 60_000);
    await row().locator('td[data-label="Next mark"]', { hasText: '❗ critical' }).waitFor({ timeout: 5_000 });
    // The browser took the server’s new time from the stream (or the rows it fetched): about 14
    // minutes left now; without it the countdown would still read about 58.
    expect(await row().locator('td[data-label="Deadline"] time').textContent()).toMatch(/^in 1[345]:\d\d$/);
  });

  it('holds and resumes the inquiry from its row, keyboard focus staying in the row', async () => {
    await row().getByRole('button', { name: /^Hold/ }).click();
    await page.locator('#announce', { hasText: 'Put on hold.' }).waitFor();
    await row().locator('.status', { hasText: 'On hold' }).waitFor();
    expect(await row().locator('td[data-label="Deadline"]').textContent()).toBe('paused');
    expect(await statusOf(hub, inquiry)).toBe('on_hold');
    expect(await page.locator('#queue-summary').textContent()).toBe('0 waiting, 1 on hold');
    await screenshot(page, 'queue-held');

    await row().getByRole('button', { name: /^Resume/ }).click();
    await row().locator('.status', { hasText: 'Waiting' }).waitFor();
    expect(await statusOf(hub, inquiry)).toBe('open');
    expect(await row().locator(':focus').count()).toBe(1);
    await screenshot(page, 'queue-resumed');
  });

  it('fits a phone: the queue becomes cards without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'queue-phone');
    expect(pageErrors).toEqual([]);
  });
});
