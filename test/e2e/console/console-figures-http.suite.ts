import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ingestBody, type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';
import { rowCells, signIn, startConsoleHub, VIEWER_TOKEN, type SignedIn } from './console-fixture';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const MIN = 60_000;

/**
 * The figures page over HTTP on a virtual clock: only for the signed-in, the period's numbers
 * from inquiries opened and answered through the ingest API (one answered past its deadline),
 * the charts' tables, the CSV for the same period, and a period it cannot read.
 */
describe(`web console figures page over HTTP (${testBackend})`, () => {
  const clock = new VirtualClock(NOW);
  let hub: TestHub;
  let viewer: SignedIn;

  const get = (path: string, session?: SignedIn) => fetch(`${hub.url}${path}`, { redirect: 'manual', headers: session ? { cookie: session.cookie } : {} });
  const say = async (conversation: string, at: number, role?: 'staff') => {
    const body = { ...ingestBody({ conversation, sentAt: new Date(at).toISOString(), ...(role ? { role, author: 'agent-anna' } : {}) }), conversation: { id: conversation, title: `Chat ${conversation}` } };
    const res = await hub.post(body);
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  };

  beforeAll(async () => {
    hub = await startConsoleHub({ clock, rules: { reports: { timezone: 'Europe/Moscow' } } });
    await say('fast', NOW - 30 * MIN);
    await say('fast', NOW - 20 * MIN, 'staff'); // 10 minutes
    await say('slow', NOW - 180 * MIN);
    await say('slow', NOW - 60 * MIN, 'staff'); // 120 minutes: past the 60-minute deadline
    await say('waiting', NOW - 5 * MIN);
    await say('october', Date.parse('2026-10-15T09:00:00Z'));
    viewer = await signIn(hub, VIEWER_TOKEN);
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('sends a visitor to sign-in, and refuses the CSV without a session', async () => {
    const page = await get('/figures');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/sign-in');
    expect((await get('/figures/csv?period=this-month')).status).toBe(401);
  });

  it('shows this month to date in reports.timezone by default, with the report’s numbers', async () => {
    const res = await get('/figures', viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain('aria-current="page">Figures</a>');
    expect(page).toContain('<strong>November 2026 to date (Europe/Moscow)</strong>');
    expect(page).toMatch(/<option value="this-month" selected>/);
    expect(rowCells(page, 'data-figure="inquiries"')).toEqual(['Inquiries', '3']);
    expect(rowCells(page, 'data-figure="answered"')).toEqual(['Answered', '2']);
    expect(rowCells(page, 'data-figure="still-open"')).toEqual(['Still open', '1']);
    expect(rowCells(page, 'data-figure="within-sla"')).toEqual(['Within SLA', '50 %']);
    expect(rowCells(page, 'data-figure="breaches"')).toEqual(['Breaches', '1']);
    expect(rowCells(page, 'data-frt="business"')).toEqual(['Business time', '65 min', '65 min', '109 min']);
    // Breaches per day, every day of the month so far; the histogram of the two answers.
    expect(rowCells(page, 'data-x="1795122000"')).toEqual(['2026-11-20', '1']);
    expect(page.match(/<tr data-x="\d+" data-y="\d+"><th scope="row" data-label="Day">/g)).toHaveLength(20);
    expect(rowCells(page, 'data-x="1" data-y="1"')).toEqual(['5–15', '1']);
    expect(rowCells(page, 'data-x="5" data-y="1"')).toEqual(['120–240', '1']);
    expect(rowCells(page, 'data-conversation="slow"')).toEqual(['Chat slowslow', 'http', '1', '1', '120 min', '—']);
    expect(rowCells(page, 'data-responder="agent-anna"')).toEqual(['agent-anna', '2', '65 min']);
    // The charts' files, and no inline script.
    expect(page).toMatch(/<script src="\/assets\/uplot\.[0-9a-f]{12}\.js" defer><\/script>/);
    expect(page).toMatch(/<script src="\/assets\/figures\.[0-9a-f]{12}\.js" defer><\/script>/);
    expect(page).toMatch(/<link rel="stylesheet" href="\/assets\/uplot\.[0-9a-f]{12}\.css">/);
    expect(page).not.toMatch(/<script(?! src=)/);
    expect(page).toContain('href="/figures/csv?period=this-month" download');
  });

  it('shows a named period or two dates, filtered by policy and channel', async () => {
    const october = await (await get('/figures?period=last-month', viewer)).text();
    expect(october).toContain('<strong>October 2026 (Europe/Moscow)</strong>');
    expect(rowCells(october, 'data-figure="inquiries"')).toEqual(['Inquiries', '1']);
    const dates = await (await get('/figures?from=2026-11-20&to=2026-11-20&channel=http&policy=default', viewer)).text();
    expect(dates).toContain('<strong>2026-11-20 – 2026-11-20 (Europe/Moscow)</strong>');
    expect(rowCells(dates, 'data-figure="inquiries"')).toEqual(['Inquiries', '3']);
    expect(dates).toMatch(/<option value="default" selected>/);
    const none = await (await get('/figures?period=this-month&channel=email', viewer)).text();
    expect(rowCells(none, 'data-figure="inquiries"')).toEqual(['Inquiries', '0']);
    expect(none).toContain('No breaches and no answers in this period.');
  });

  it('serves the period’s CSV to a viewer, named as the API names it', async () => {
    const res = await get('/figures/csv?period=this-month', viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="replywatch-November_2026_to_date.csv"');
    expect(res.headers.get('x-replywatch-timezone')).toBe('Europe/Moscow');
    const api = await hub.admin('/api/v1/reports?period=this-month&format=csv');
    expect(await res.text()).toBe(await api.text());
  });

  it('answers a period it cannot read with 400 and says why, keeping the form', async () => {
    const res = await get('/figures?from=2026-11-30&to=2026-11-01', viewer);
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('That period cannot be shown: the period ends before it starts.');
    expect(page).toContain('<input type="date" name="from" value="2026-11-30">');
    expect((await get('/figures/csv?period=next-year', viewer)).status).toBe(400);
  });
});
