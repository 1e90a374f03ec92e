import { randomBytes } from 'node:crypto';
import { type Page } from 'playwright-core';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { newBrowserPage, screenshot } from '../../support/browser';
import { ingestBody, latestInquiryId, type TestHub } from '../../support/hub-harness';
import { advanceBy } from '../../support/telegram-harness';
import { testBackend } from '../../support/test-database';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { deliveryCounts, eventually, OPERATOR_TOKEN, startConsoleHub, webhookHubOptions } from './console-fixture';

const SECRET_ENV = 'TEST_CONSOLE_LIVE_BROWSER_HOOK_SECRET';

/**
 * The inquiry and deliveries pages following the event stream in a real headless Chromium:
 * changes made elsewhere (the admin API, a staff answer, the outbox) show without a reload,
 * and a half-written escalation reason is never redrawn away. A marker set on `window`
 * proves the page was not reloaded.
 */
describe(`web console live inquiry and deliveries pages in a browser (${testBackend})`, () => {
  const clock = new VirtualClock(Date.now());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([secret], () => clock.now());
  let page: Page;
  let hub: TestHub;
  let inquiry: string;
  const pageErrors: string[] = [];

  const sentAt = (s: number) => new Date(clock.now() - s * 1000).toISOString();
  const notReloaded = async () => expect(await page.evaluate('window.__stayed === true')).toBe(true);
  const markPage = () => page.evaluate('window.__stayed = true');

  beforeAll(async () => {
    process.env[SECRET_ENV] = secret;
    await receiver.start();
    receiver.otherwise = () => ({ status: 503, body: 'receiver under maintenance' });
    [page, hub] = await Promise.all([newBrowserPage(), startConsoleHub({ clock, ...webhookHubOptions(receiver.url, SECRET_ENV) })]);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${hub.url}/`);
    await page.getByLabel('Token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${hub.url}/`);
    expect((await hub.post({ ...ingestBody({ conversation: 'live-chat', text: 'the export is empty', sentAt: sentAt(60) }), conversation: { id: 'live-chat', title: 'Export empty' } })).status).toBe(200);
    inquiry = await latestInquiryId(hub.db, 'live-chat');
  });

  afterAll(async () => {
    await page?.close();
    await hub?.close();
    await receiver.stop();
  });

  const status = () => page.locator('dd[class^="status-"]');

  it('shows a hold made elsewhere on the open inquiry page, and says so politely', async () => {
    await page.goto(`${hub.url}/inquiries/${inquiry}`);
    await page.locator('#live-state', { hasText: 'Live updates on' }).waitFor();
    await markPage();
    expect(await status().textContent()).toBe('Waiting');
    // A keyboard user on Hold: after the redraw, focus is on the control that took its place.
    await page.getByRole('button', { name: 'Hold' }).focus();
    expect((await hub.command(`/api/v1/inquiries/${inquiry}/hold`, { reason: 'customer on holiday' })).status).toBe(200);
    await page.locator('dd.status-on_hold', { hasText: 'On hold' }).waitFor({ timeout: 5_000 });
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Resume');
    expect(await page.locator('tr.event-held td[data-label="Why"]').textContent()).toBe('customer on holiday');
    await page.locator('#announce', { hasText: 'This inquiry changed' }).waitFor();
    await notReloaded();
    await screenshot(page, 'inquiry-live-held');
  });

  it('waits while an escalation reason is being written, and keeps it', async () => {
    await page.getByLabel('Reason').fill('the customer is a VIP');
    expect((await hub.command(`/api/v1/inquiries/${inquiry}/resume`)).status).toBe(200);
    // Over a second later (the refresh pace), the page still shows the hold: it waits for the reason.
    await page.waitForTimeout(1_500);
    expect(await status().textContent()).toBe('On hold');
    expect(await page.getByLabel('Reason').inputValue()).toBe('the customer is a VIP');
    // Given up on: the reason is emptied and focus leaves it; the redraw goes ahead.
    await page.getByLabel('Reason').fill('');
    await page.locator('h1').click();
    await page.locator('dd.status-open', { hasText: 'Waiting' }).waitFor({ timeout: 5_000 });
    await notReloaded();
  });

  it('shows a staff answer arriving: the message, who answered, and no more commands', async () => {
    expect((await hub.post(ingestBody({ conversation: 'live-chat', role: 'staff', author: 'agent-7', text: 'fixed, try again', sentAt: sentAt(1) }))).status).toBe(200);
    await page.locator('dd.status-answered', { hasText: 'Answered' }).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('table', { name: /Customer and staff messages/ }).locator('td[data-label="Text"]').allTextContents()).toEqual(['the export is empty', 'fixed, try again']);
    expect(await page.getByText('Answered by agent-7').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(0);
    await notReloaded();
    await screenshot(page, 'inquiry-live-answered');
  });

  it('shows on the Deliveries page a dead letter appearing, then its replay delivered, without a reload', async () => {
    await page.goto(`${hub.url}/deliveries`);
    await page.locator('#live-state', { hasText: 'Live updates on' }).waitFor();
    await markPage();
    // The webhook failed once when the inquiry opened: it waits for its retry.
    expect(await page.locator('tr[data-delivery][data-status="pending"]').count()).toBe(1);
    await eventually('a dead letter', async () => {
      await advanceBy(clock, 1000, 1000);
      return (await deliveryCounts(hub, 'webhook')).dead === 1;
    });
    const target = page.locator('tr[data-target="webhook/ops-hook"]');
    await target.locator('.dead-count', { hasText: '1' }).waitFor({ timeout: 5_000 });
    await page.locator('tr[data-delivery][data-status="dead"]').waitFor();
    await page.locator('#announce', { hasText: 'Deliveries changed' }).waitFor();
    await notReloaded();
    await screenshot(page, 'deliveries-live-dead');

    // Another operator replays it through the admin API; the receiver is back.
    receiver.otherwise = () => ({ status: 204 });
    const [dead] = await hub.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE status = 'dead'`);
    expect((await hub.command(`/api/v1/deliveries/${dead?.id ?? ''}/replay`)).status).toBe(200);
    await page.getByText('No dead or retrying deliveries.').waitFor({ timeout: 5_000 });
    expect(await deliveryCounts(hub, 'webhook')).toEqual({ delivered: 1 });
    await notReloaded();
    await screenshot(page, 'deliveries-live-replayed');
    expect(pageErrors).toEqual([]);
  });
});
