import { ingestBody, latestInquiryId, type TestHub } from '../../support/hub-harness';
import { seedPolicy } from '../../support/sla-harness';
import { testBackend } from '../../support/test-database';
import { ADMIN_TOKEN, OPERATOR_TOKEN, VIEWER_TOKEN, openInquiry, postForm, signIn, startConsoleHub, statusOf, type SignedIn } from './console-fixture';

const XSS = '<img src=x onerror=alert(1)>';

/**
 * The console's HTTP surface without a browser, on one hub: what the queue lists and in which
 * order, then who may see and do what, and what is refused.
 */
describe(`web console over HTTP (${testBackend})`, () => {
  let hub: TestHub;
  let inquiry: string;
  let operator: SignedIn;
  let viewer: SignedIn;

  beforeAll(async () => {
    hub = await startConsoleHub({
      rules: {
        customers: [
          { conversations: ['vip-1', 'vip-2'], tags: ['vip'] },
          { channel: 'http', conversations: ['vip-2'], tags: ['trial'] },
          { conversations: ['xss-chat'], tags: ['xss'] },
        ],
        policies: [{ ...seedPolicy('always'), name: 'fast', target: '30m', match: { tags: ['vip'] } }, seedPolicy('always')],
      },
    });
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const message = (conversation: string, sentAt: string) => ({ ...ingestBody({ conversation, sentAt }), conversation: { id: conversation, title: `Title ${conversation}` } });
    // 101 plain ones (a page and one more), two tagged ones, one long past its deadline.
    const plain = Array.from({ length: 101 }, (_, i) => message(`plain-${String(i).padStart(3, '0')}`, minutesAgo(10 + i / 100)));
    const res = await hub.post({ messages: [...plain, message('vip-1', minutesAgo(5)), message('vip-2', minutesAgo(6)), message('late', minutesAgo(120))] });
    expect(res.status).toBe(200);
    inquiry = await openInquiry(hub, 'xss-chat', XSS);
    operator = await signIn(hub, OPERATOR_TOKEN);
    viewer = await signIn(hub, VIEWER_TOKEN);
    const held = await latestInquiryId(hub.db, 'plain-000');
    expect((await postForm(hub, `/inquiries/${held}/hold`, { csrf: operator.csrf }, { cookie: operator.cookie })).status).toBe(303);
  });

  afterAll(async () => {
    await hub.close();
  });

  describe('the queue', () => {
    const rowsOf = async (query: string) => {
      const html = await (await fetch(`${hub.url}/queue/rows${query}`, { headers: { cookie: operator.cookie } })).text();
      const conversations = [...html.matchAll(/<span class="sub">([^<·]+)/g)].map((m) => (m[1] ?? '').trim());
      const next = /<a rel="next" href="\/(\?[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;
      return { html, conversations, next };
    };

    it('lists the most urgent first: past the deadline, then the nearest deadline, held last', async () => {
      const { html, conversations } = await rowsOf('');
      expect(html).toContain('104 waiting, 1 on hold');
      expect(conversations.slice(0, 4)).toEqual(['late', 'vip-1', 'plain-100', 'plain-099']);
      expect(conversations).toHaveLength(100);
      expect(conversations).not.toContain('plain-000');
    });

    it('pages with a cursor: every inquiry exactly once, the held one on the last page', async () => {
      const first = await rowsOf('');
      expect(first.next).not.toBeNull();
      const second = await rowsOf(first.next ?? '');
      expect(second.next).toBeNull();
      const all = [...first.conversations, ...second.conversations];
      expect(new Set(all).size).toBe(105);
      expect(all[all.length - 1]).toBe('plain-000');
      // A cursor that is not the hub's own starts from the top instead of failing.
      expect((await rowsOf('?after=garbage')).conversations[0]).toBe('late');
    });

    it('filters by policy, tag and channel, from query parameters', async () => {
      // vip-2's entry for its own channel gives it another tag, as the policy matcher reads it:
      // it is not under the policy for vip, nor listed under the tag.
      expect((await rowsOf('?policy=fast')).conversations).toEqual(['vip-1']);
      expect((await rowsOf('?tag=vip')).conversations).toEqual(['vip-1']);
      expect((await rowsOf('?tag=trial')).conversations).toEqual(['vip-2']);
      expect((await rowsOf('?channel=telegram')).conversations).toEqual([]);
      expect((await rowsOf('?channel=http&policy=default')).conversations).toHaveLength(100);
    });
  });

  describe('security', () => {
    const command = (id: string, name: string) => `/inquiries/${id}/${name}`;

    it('answers nothing without a sign-in: pages redirect to sign-in, data and commands are 401', async () => {
      const page = await fetch(`${hub.url}/`, { redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/sign-in');
      for (const path of ['/queue/rows', '/events']) expect((await fetch(`${hub.url}${path}`)).status).toBe(401);
      const post = await postForm(hub, command(inquiry, 'hold'), { csrf: operator.csrf });
      expect(post.status).toBe(401);
      // A forged or tampered cookie is no sign-in either.
      const tampered = operator.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      expect((await fetch(`${hub.url}/queue/rows`, { headers: { cookie: tampered } })).status).toBe(401);
      expect(await statusOf(hub, inquiry)).toBe('open');
    });

    it('signs in with a cookie that is HttpOnly, SameSite=Strict and scoped to the console, and says so without echoing a wrong token', async () => {
      const ok = await postForm(hub, '/sign-in', { token: ADMIN_TOKEN });
      expect(ok.status).toBe(303);
      const cookie = ok.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^replywatch_console=[\w-]+\.[\w-]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
      expect(cookie).not.toContain(ADMIN_TOKEN);
      // Plain http, and X-Forwarded-Proto is not believed unless console.trustProxy is set.
      expect((await postForm(hub, '/sign-in', { token: ADMIN_TOKEN }, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).not.toContain('Secure');

      const wrong = await postForm(hub, '/sign-in', { token: 'not-the-token-but-long-enough' });
      expect(wrong.status).toBe(401);
      const text = await wrong.text();
      expect(text).toContain('That token is not valid.');
      expect(text).not.toContain('not-the-token-but-long-enough');
      expect(wrong.headers.get('set-cookie')).toBeNull();
    });

    it('serves pages under a strict Content-Security-Policy and never from a cache', async () => {
      const res = await fetch(`${hub.url}/?tag=xss`, { headers: { cookie: operator.cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const page = await res.text();
      // No inline script: every <script> has a src.
      expect(page.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    });

    it('renders customer text escaped: an HTML title shows as text', async () => {
      const page = await (await fetch(`${hub.url}/?tag=xss`, { headers: { cookie: viewer.cookie } })).text();
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page).not.toContain('<img');
      const rows = await (await fetch(`${hub.url}/queue/rows?tag=xss`, { headers: { cookie: viewer.cookie } })).text();
      expect(rows).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(rows).not.toContain('<img');
    });

    it('shows a viewer no commands, and refuses a viewer’s command with 403 even with a valid CSRF token', async () => {
      const page = await (await fetch(`${hub.url}/?tag=xss`, { headers: { cookie: viewer.cookie } })).text();
      expect(page).toContain('Signed in as maria (viewer)');
      expect(page).not.toContain(command(inquiry, 'hold'));
      const res = await postForm(hub, command(inquiry, 'hold'), { csrf: viewer.csrf }, { cookie: viewer.cookie });
      expect(res.status).toBe(403);
      expect(await statusOf(hub, inquiry)).toBe('open');
    });

    it('refuses a command without the CSRF token, with another session’s token, or from another origin', async () => {
      const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
        ['no token', {}, {}],
        ['another session’s token', { csrf: viewer.csrf }, {}],
        ['a wrong header token', {}, { 'x-csrf-token': 'forged' }],
        ['another origin', { csrf: operator.csrf }, { origin: 'https://evil.example' }],
        ['Origin: null', { csrf: operator.csrf }, { origin: 'null' }],
        ['a cross-site fetch', { csrf: operator.csrf }, { 'sec-fetch-site': 'cross-site' }],
      ];
      for (const [what, form, headers] of attempts) {
        const res = await postForm(hub, command(inquiry, 'hold'), form, { cookie: operator.cookie, ...headers });
        expect({ what, status: res.status }).toEqual({ what, status: 403 });
      }
      expect(await statusOf(hub, inquiry)).toBe('open');
    });

    it('runs an operator’s command through the inquiry commands, recorded as console:<name>', async () => {
      const origin = hub.url;
      const hold = await postForm(hub, command(inquiry, 'hold'), { csrf: operator.csrf, back: '?channel=http&next=https://evil.example' }, { cookie: operator.cookie, origin });
      expect(hold.status).toBe(303);
      // Back to the queue with its own parameters only: never to another site.
      expect(hold.headers.get('location')).toBe('/?channel=http&done=hold');
      expect(await statusOf(hub, inquiry)).toBe('on_hold');
      const [event] = await hub.db.query<{ actor: string }>(`SELECT actor FROM inquiry_events WHERE inquiry_id = $1 AND type = 'held'`, [inquiry]);
      expect(event?.actor).toBe('console:oleg');

      const json = await postForm(hub, command(inquiry, 'resume'), {}, { cookie: operator.cookie, 'x-csrf-token': operator.csrf, accept: 'application/json' });
      expect(json.status).toBe(200);
      expect(await json.json()).toEqual({ ok: true, status: 'open', message: 'Resumed.' });

      const again = await postForm(hub, command(inquiry, 'resume'), {}, { cookie: operator.cookie, 'x-csrf-token': operator.csrf, accept: 'application/json' });
      expect(again.status).toBe(409);
      // The console's text, as the page without the script shows it: not InquiryCommands' English.
      expect(await again.json()).toEqual({ ok: false, code: 'conflict', message: 'That inquiry changed meanwhile; the queue shows its state now.' });

      const noReason = await postForm(hub, command(inquiry, 'escalate'), { reason: '  ' }, { cookie: operator.cookie, 'x-csrf-token': operator.csrf, accept: 'application/json' });
      expect(noReason.status).toBe(422);
      const escalated = await postForm(hub, command(inquiry, 'escalate'), { reason: 'customer is blocked' }, { cookie: operator.cookie, 'x-csrf-token': operator.csrf, accept: 'application/json' });
      expect(escalated.status).toBe(200);
      const [esc] = await hub.db.query<{ actor: string; reason: string }>(`SELECT actor, reason FROM inquiry_events WHERE inquiry_id = $1 AND type = 'escalated'`, [inquiry]);
      expect(esc).toEqual({ actor: 'console:oleg', reason: 'customer is blocked' });
    });

    it('serves the script and style under content-hashed names, cached for a year, with an ETag', async () => {
      const page = await (await fetch(`${hub.url}/sign-in`)).text();
      const src = /<script src="([^"]+)"/.exec(page)?.[1] ?? '';
      expect(src).toMatch(/^\/assets\/console\.[0-9a-f]{12}\.js$/);
      const res = await fetch(`${hub.url}${src}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const etag = res.headers.get('etag') ?? '';
      expect((await fetch(`${hub.url}${src}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await fetch(`${hub.url}/assets/console.js`)).status).toBe(404);
    });

    it('signs out: the cookie is cleared and needs the CSRF token', async () => {
      const session = await signIn(hub, VIEWER_TOKEN);
      expect((await postForm(hub, '/sign-out', {}, { cookie: session.cookie })).status).toBe(403);
      const out = await postForm(hub, '/sign-out', { csrf: session.csrf }, { cookie: session.cookie });
      expect(out.status).toBe(303);
      expect(out.headers.get('set-cookie')).toMatch(/^replywatch_console=; Path=\/; Max-Age=0;/);
    });

    it('caps the live streams of one sign-in with 429, leaving other sign-ins theirs', async () => {
      const tabs = await signIn(hub, VIEWER_TOKEN);
      const abort = new AbortController();
      const open = (cookie: string) => fetch(`${hub.url}/events`, { headers: { cookie }, signal: abort.signal });
      try {
        for (let i = 0; i < 5; i++) expect((await open(tabs.cookie)).status).toBe(200);
        const sixth = await open(tabs.cookie);
        expect(sixth.status).toBe(429);
        expect(sixth.headers.get('retry-after')).toBe('30');
        expect(await sixth.text()).toBe('Too many live streams for this sign-in; close a console tab.');
        expect((await open(viewer.cookie)).status).toBe(200);
      } finally {
        abort.abort();
      }
    });

    it('refuses a cross-site sign-out, which a browser sends without the SameSite=Strict cookie', async () => {
      const crossSite: Array<Record<string, string>> = [{ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }];
      for (const headers of crossSite) {
        const res = await postForm(hub, '/sign-out', {}, headers);
        expect({ headers, status: res.status, cookie: res.headers.get('set-cookie') }).toEqual({ headers, status: 403, cookie: null });
      }
      // The same POST from the console's own page still signs out (nothing to clear but the cookie).
      expect((await postForm(hub, '/sign-out', {}, { origin: hub.url, 'sec-fetch-site': 'same-origin' })).status).toBe(303);
    });

    // Last: it leaves this client's address locked out of sign-in for the window.
    it('slows down token guessing: after 10 failures from an address, sign-in answers 429 even for the right token', async () => {
      for (let i = 0; i < 10; i++) await postForm(hub, '/sign-in', { token: `guess-${i}-0123456789abcdef` });
      const res = await postForm(hub, '/sign-in', { token: ADMIN_TOKEN });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('set-cookie')).toBeNull();
    });
  });
});
