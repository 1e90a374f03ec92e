import { randomBytes } from 'node:crypto';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ADMIN_TOKEN, ingestBody, latestInquiryId, type TestHub } from '../../support/hub-harness';
import { advanceBy } from '../../support/telegram-harness';
import { testBackend } from '../../support/test-database';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { deliveryCounts, eventually, OPERATOR_TOKEN, postForm, signIn, startConsoleHub, statusOf, VIEWER_TOKEN, webhookHubOptions, type SignedIn } from './console-fixture';

const XSS = '<img src=x onerror=alert(1)>';
const SECRET_ENV = 'TEST_CONSOLE_PAGES_HOOK_SECRET';

/**
 * The inquiry and deliveries pages over HTTP, on one hub whose webhook duty target refuses
 * until told otherwise: what an inquiry's page shows (escaped), who may replay dead letters,
 * and that a replay goes out at once through the admin API's code.
 */
describe(`web console inquiry and deliveries pages over HTTP (${testBackend})`, () => {
  const clock = new VirtualClock(Date.now());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([secret], () => clock.now());
  let hub: TestHub;
  let inquiry: string;
  let operator: SignedIn;
  let viewer: SignedIn;

  const get = (path: string, session: SignedIn) => fetch(`${hub.url}${path}`, { headers: { cookie: session.cookie }, redirect: 'manual' });
  const page = async (path: string, session: SignedIn) => (await get(path, session)).text();
  const deadIds = async () => (await hub.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE connector = 'webhook' AND status = 'dead' ORDER BY created_at`)).map((r) => r.id);

  /** Opens an inquiry (its webhook refused twice) and waits until its delivery is a dead letter. */
  async function openDead(conversation: string, text: string): Promise<string> {
    const before = (await deadIds()).length;
    const res = await hub.post({ ...ingestBody({ conversation, text, sentAt: new Date(clock.now() - 60_000).toISOString() }), conversation: { id: conversation, title: `Title ${conversation}` } });
    expect(res.status).toBe(200);
    await eventually('a dead letter', async () => {
      await advanceBy(clock, 1000, 1000);
      return (await deadIds()).length > before;
    });
    return latestInquiryId(hub.db, conversation);
  }

  beforeAll(async () => {
    process.env[SECRET_ENV] = secret;
    await receiver.start();
    receiver.otherwise = () => ({ status: 500, body: 'receiver is down' });
    hub = await startConsoleHub({ clock, ...webhookHubOptions(receiver.url, SECRET_ENV) });
    inquiry = await openDead('xss-chat', XSS);
    operator = await signIn(hub, OPERATOR_TOKEN);
    viewer = await signIn(hub, VIEWER_TOKEN);
  });

  afterAll(async () => {
    await hub?.close();
    await receiver.stop();
  });

  describe('the inquiry page', () => {
    it('is linked from the queue row', async () => {
      expect(await page('/', viewer)).toContain(`href="/inquiries/${inquiry}"`);
    });

    it('shows the conversation, the customer’s message as text, the SLA, the events and the dead delivery', async () => {
      const res = await get(`/inquiries/${inquiry}`, viewer);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).not.toContain('<img');
      expect(html).toContain('<h1 class="inquiry-title">Title xss-chat</h1>');
      expect(html).toMatch(/<dt>Policy<\/dt><dd>default<\/dd>/);
      // Opened a minute before it was sent in, under an always-open calendar: about a minute so far.
      expect(html).toMatch(/<dt>Business time waited<\/dt><dd>[12]:\d\d so far, still waiting<\/dd>/);
      expect(html).toMatch(/<th scope="row" data-label="Event">Opened<\/th>/);
      expect(html).toContain('aria-current="page">Inquiry</a>');
      // Its delivery to the webhook: dead after two attempts, with the receiver's refusal.
      expect(html).toMatch(/<td data-label="Status" class="status">Dead letter<\/td>\s*<td data-label="Attempts">2<\/td>/);
      expect(html).toContain('500');
    });

    it('answers 404 for an unknown or malformed id, and sends a visitor to sign-in', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1'; DROP TABLE inquiries"]) {
        const res = await get(`/inquiries/${encodeURIComponent(id)}`, viewer);
        expect({ id, status: res.status }).toEqual({ id, status: 404 });
        expect(await res.text()).toContain('No such inquiry.');
      }
      const anonymous = await fetch(`${hub.url}/inquiries/${inquiry}`, { redirect: 'manual' });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toBe('/sign-in');
    });

    it('gives an operator the commands, and a command posted from it comes back to it', async () => {
      expect(await page(`/inquiries/${inquiry}`, viewer)).not.toContain(`/inquiries/${inquiry}/hold`);
      const before = await page(`/inquiries/${inquiry}`, operator);
      expect(before).toContain(`action="/inquiries/${inquiry}/hold"`);
      expect(before).toContain('<label for="escalate-reason">Reason</label>');
      const hold = await postForm(hub, `/inquiries/${inquiry}/hold`, { csrf: operator.csrf, return: 'inquiry' }, { cookie: operator.cookie });
      expect(hold.status).toBe(303);
      expect(hold.headers.get('location')).toBe(`/inquiries/${inquiry}?done=hold`);
      const after = await page(`/inquiries/${inquiry}?done=hold`, operator);
      expect(after).toContain('Put on hold.');
      expect(after).toMatch(/<th scope="row" data-label="Event">Put on hold<\/th>\s*<td data-label="By">console:oleg<\/td>/);
      expect(await statusOf(hub, inquiry)).toBe('on_hold');
      const resume = await postForm(hub, `/inquiries/${inquiry}/resume`, { csrf: operator.csrf, return: 'inquiry' }, { cookie: operator.cookie });
      expect(resume.headers.get('location')).toBe(`/inquiries/${inquiry}?done=resume`);
      expect(await statusOf(hub, inquiry)).toBe('open');
    });
  });

  describe('the deliveries page', () => {
    it('shows connector health, the dead letters per target with the last error, and the list', async () => {
      const res = await get('/deliveries', viewer);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('aria-current="page">Deliveries</a>');
      expect(html).toMatch(/<tr class="" data-connector="webhook">\s*<th scope="row" data-label="Connector">webhook<\/th>\s*<td data-label="Status" class="status">Up<\/td>/);
      expect(html).toMatch(/data-target="webhook\/ops-hook">[\s\S]*?<td data-label="Dead letters" class="dead-count">1<\/td>/);
      expect(html).toContain(`href="/inquiries/${inquiry}"`);
      // A viewer sees no replay.
      expect(html).not.toContain('action="/deliveries/replay"');
    });

    it('refuses a viewer’s replay with 403, and one without the CSRF token or from another origin', async () => {
      const [dead] = await deadIds();
      const attempts: Array<[string, SignedIn, Record<string, string>, Record<string, string>]> = [
        ['viewer', viewer, { csrf: viewer.csrf }, {}],
        ['no token', operator, {}, {}],
        ['another session’s token', operator, { csrf: viewer.csrf }, {}],
        ['another origin', operator, { csrf: operator.csrf }, { origin: 'https://evil.example' }],
      ];
      for (const [what, session, form, headers] of attempts) {
        const res = await postForm(hub, '/deliveries/replay', { ...form, id: dead ?? '' }, { cookie: session.cookie, ...headers });
        expect({ what, status: res.status }).toEqual({ what, status: 403 });
      }
      expect((await postForm(hub, '/deliveries/replay', { id: dead ?? '' })).status).toBe(401);
      expect(await deliveryCounts(hub, 'webhook')).toEqual({ dead: 1 });
    });

    it('replays one dead letter for an operator: it is delivered at once, and the page says how many', async () => {
      receiver.otherwise = () => ({ status: 204 });
      const [dead] = await deadIds();
      const res = await postForm(hub, '/deliveries/replay', { csrf: operator.csrf, id: dead ?? '' }, { cookie: operator.cookie, origin: hub.url });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/deliveries?replayed=1');
      // The worker was woken: no virtual time passes, yet it goes out.
      await eventually('the replay delivered', async () => (await deliveryCounts(hub, 'webhook')).delivered === 1);
      expect(receiver.acceptedIds()).toHaveLength(1);
      const html = await page('/deliveries?replayed=1', operator);
      expect(html).toContain('Replayed 1 dead letter; it is on its way.');
      expect(html).toContain('No dead or retrying deliveries.');
      // Replaying it again finds nothing dead: said so, not an error page.
      const again = await postForm(hub, '/deliveries/replay', { csrf: operator.csrf, id: dead ?? '' }, { cookie: operator.cookie });
      expect(again.headers.get('location')).toBe('/deliveries?replayed=0');
      // The admin API runs the same code: a delivered one is no dead letter.
      const admin = await fetch(`${hub.url}/api/v1/deliveries/${dead ?? ''}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(admin.status).toBe(409);
    });

    it('replays the dead letters of a connector and target together, and refuses a set without a connector', async () => {
      receiver.otherwise = () => ({ status: 500, body: 'down again' });
      await openDead('set-1', 'first');
      await openDead('set-2', 'second');
      expect(await deliveryCounts(hub, 'webhook')).toEqual({ delivered: 1, dead: 2 });
      const operatorPage = await page('/deliveries?connector=webhook', operator);
      expect(operatorPage).toContain('Replay 2 dead to webhook ops-hook');
      expect(operatorPage).toContain('Replay every dead letter matching the filter');
      expect(operatorPage).toContain('down again');

      const none = await postForm(hub, '/deliveries/replay', { csrf: operator.csrf }, { cookie: operator.cookie });
      expect(none.headers.get('location')).toBe('/deliveries?refused=connector');
      expect(await page('/deliveries?refused=connector', operator)).toContain('Choose a connector to replay a set of dead letters.');

      receiver.otherwise = () => ({ status: 204 });
      const res = await postForm(hub, '/deliveries/replay', { csrf: operator.csrf, connector: 'webhook', target: 'ops-hook' }, { cookie: operator.cookie });
      expect(res.headers.get('location')).toBe('/deliveries?connector=webhook&target=ops-hook&replayed=2');
      await eventually('both delivered', async () => (await deliveryCounts(hub, 'webhook')).delivered === 3);
      expect(await page('/deliveries?connector=webhook&target=ops-hook&replayed=2', operator)).toContain('Replayed 2 dead letters; they are on their way.');
    });
  });

  it('shows staff and customer messages of an answered inquiry, with who answered', async () => {
    const sentAt = (s: number) => new Date(clock.now() - s * 1000).toISOString();
    expect((await hub.post({ ...ingestBody({ conversation: 'answered-chat', text: 'where is my invoice?', sentAt: sentAt(120) }), conversation: { id: 'answered-chat', title: 'Invoices' } })).status).toBe(200);
    const answered = await latestInquiryId(hub.db, 'answered-chat');
    expect((await hub.post(ingestBody({ conversation: 'answered-chat', role: 'staff', author: 'agent-7', text: 'sent it again', sentAt: sentAt(60) }))).status).toBe(200);
    const html = await page(`/inquiries/${answered}`, viewer);
    expect(html).toMatch(/<th scope="row" data-label="Author">client-7<\/th>\s*<td data-label="Role">customer<\/td>\s*<td data-label="Text" class="text">where is my invoice\?/);
    expect(html).toMatch(/<th scope="row" data-label="Author">agent-7<\/th>\s*<td data-label="Role">staff<\/td>\s*<td data-label="Text" class="text">sent it again/);
    expect(html).toContain('<dd class="status-answered">Answered</dd>');
    expect(html).toContain('Answered by agent-7');
    expect(html).toContain('<dt>Business time waited</dt><dd>1:00</dd>');
    // An inquiry's page shows its own conversation's messages only.
    expect(await page(`/inquiries/${inquiry}`, viewer)).not.toContain('where is my invoice');
    // An answered inquiry has no commands.
    expect(await page(`/inquiries/${answered}`, operator)).not.toContain(`/inquiries/${answered}/hold`);
  });
});
