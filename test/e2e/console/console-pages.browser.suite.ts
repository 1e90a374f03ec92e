import { randomBytes } from 'node:crypto';
import { type Page } from 'playwright-core';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { newBrowserPage, screenshot, SCREENSHOT_DIR } from '../../support/browser';
import { ingestBody, latestInquiryId, type TestHub } from '../../support/hub-harness';
import { advanceBy } from '../../support/telegram-harness';
import { testBackend } from '../../support/test-database';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { deliveryCounts, eventually, OPERATOR_TOKEN, startConsoleHub, webhookHubOptions } from './console-fixture';

const XSS = '<img src=x onerror=alert(1)>';
const SECRET_ENV = 'TEST_CONSOLE_BROWSER_HOOK_SECRET';

/**
 * The inquiry and deliveries pages in a real headless Chromium, one browser page going on
 * from test to test: from the queue into an inquiry whose ⚡ warning fired, to the deliveries
 * page, where its dead webhook is replayed and seen delivered.
 */
describe(`web console inquiry and deliveries pages in a browser (${testBackend})`, () => {
  const clock = new VirtualClock(Date.now());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([secret], () => clock.now());
  let page: Page;
  let hub: TestHub;
  let inquiry: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    process.env[SECRET_ENV] = secret;
    await receiver.start();
    receiver.otherwise = () => ({ status: 503, body: 'receiver under maintenance' });
    [page, hub] = await Promise.all([newBrowserPage(), startConsoleHub({ clock, ...webhookHubOptions(receiver.url, SECRET_ENV) })]);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      pageErrors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    console.log(`console screenshots: ${SCREENSHOT_DIR}`);

    // An inquiry whose webhook is refused until it is a dead letter, then 45 minutes on: its ⚡ warning fires.
    const res = await hub.post({ ...ingestBody({ conversation: 'browser-chat', text: XSS, sentAt: new Date(clock.now() - 60_000).toISOString() }), conversation: { id: 'browser-chat', title: 'Invoices not loading' } });
    expect(res.status).toBe(200);
    inquiry = await latestInquiryId(hub.db, 'browser-chat');
    await eventually('a dead letter', async () => {
      await advanceBy(clock, 1000, 1000);
      return (await deliveryCounts(hub, 'webhook')).dead === 1;
    });
    await clock.advance(45 * 60_000);
    await eventually('the warning mark', async () => (await hub.db.query(`SELECT 1 FROM inquiry_events WHERE inquiry_id = $1 AND type = 'mark'`, [inquiry])).length === 1);
  });

  afterAll(async () => {
    await page?.close();
    await hub?.close();
    await receiver.stop();
  });

  it('opens an inquiry from the queue: its message as text and its fired mark', async () => {
    await page.goto(`${hub.url}/`);
    await page.getByLabel('Token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${hub.url}/`);
    await page.locator(`tr[data-inquiry="${inquiry}"] a.title`).click();
    await page.waitForURL(`${hub.url}/inquiries/${inquiry}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Invoices not loading');
    expect(await page.getByRole('link', { name: 'Inquiry' }).getAttribute('aria-current')).toBe('page');
    const messages = page.getByRole('table', { name: /Customer and staff messages/ });
    expect(await messages.locator('td[data-label="Text"]').first().textContent()).toBe(XSS);
    expect(await page.locator('img').count()).toBe(0);
    const mark = page.locator('tr.event-mark');
    expect(await mark.locator('th').textContent()).toBe('Mark fired');
    expect(await mark.locator('td[data-label="Detail"]').textContent()).toContain('warning');
    // Its webhook is a dead letter (the warning's own delivery went to the log target).
    expect(await page.getByRole('table', { name: /sent or is sending for this inquiry/ }).locator('tr[data-status="dead"] th').allTextContents()).toEqual(['webhook']);
    // The commands are labelled; the escalation reason has its own label.
    await expect(page.getByLabel('Reason').count()).resolves.toBe(1);
    await screenshot(page, 'inquiry');
  });

  it('goes to Deliveries, replays the dead letter, and sees it delivered', async () => {
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.waitForURL(`${hub.url}/deliveries`);
    const target = page.locator('tr[data-target="webhook/ops-hook"]');
    expect(await target.locator('.dead-count').textContent()).toBe('1');
    expect(await target.locator('td[data-label="Last error"]').textContent()).toContain('503');
    await screenshot(page, 'deliveries-dead');

    receiver.otherwise = () => ({ status: 204 });
    const [dead] = await hub.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE status = 'dead'`);
    await page.getByRole('button', { name: `Replay dead letter ${dead?.id ?? ''}` }).click();
    await page.waitForURL(/\/deliveries\?replayed=1$/);
    expect(await page.getByRole('status').filter({ hasText: 'Replayed' }).textContent()).toBe('Replayed 1 dead letter; it is on its way.');
    await eventually('the replay delivered', async () => (await deliveryCounts(hub, 'webhook')).delivered === 1);
    expect(receiver.acceptedIds()).toHaveLength(1);

    await page.goto(`${hub.url}/inquiries/${inquiry}`);
    expect(await page.getByRole('table', { name: /sent or is sending for this inquiry/ }).locator('tr[data-delivery] .status').allTextContents()).toContain('Delivered');
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByText('No dead or retrying deliveries.').waitFor();
    await screenshot(page, 'deliveries-replayed');
  });

  it('fits a phone: both pages without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'deliveries-phone');
    await page.goto(`${hub.url}/inquiries/${inquiry}`);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'inquiry-phone');
    expect(pageErrors).toEqual([]);
  });
});
