import { type Request } from 'express';
import { VirtualClock } from '../clock/virtual-clock';
import { type LoadedConfig } from '../config/load-config';
import { consoleSchema, type ConsoleSettings } from './console-config.schema';
import { ConsoleAuth } from './console-auth';
import { consoleParts } from './console.parts';

const ADMIN = 'admin-token-0123456789';
const VIEWER = 'viewer-token-0123456789';

function config(consoleInput: Record<string, unknown>, adminToken: string | null = ADMIN): LoadedConfig {
  const settings: ConsoleSettings = consoleSchema.parse(consoleInput);
  return { hub: { admin: { token: adminToken ?? undefined }, console: settings } } as unknown as LoadedConfig;
}

function request(headers: Record<string, string> = {}, encrypted = false): Request {
  return { headers, socket: { encrypted, remoteAddress: '10.0.0.1' } } as unknown as Request;
}

function cookieOf(setCookie: string): string {
  return setCookie.split(';')[0] ?? '';
}

describe('ConsoleAuth', () => {
  it('scopes the cookie to the console path and marks it Secure over https', () => {
    const clock = new VirtualClock(0);
    const auth = new ConsoleAuth(config({ path: '/replywatch' }), clock);
    const outcome = auth.signIn(ADMIN, 'a');
    if (!outcome.ok) throw new Error('sign-in failed');
    expect(auth.setCookie(request(), outcome.session)).toMatch(/; Path=\/replywatch; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(auth.setCookie(request({}, true), outcome.session)).toMatch(/; Secure$/);
  });

  it('believes X-Forwarded-Proto only with trustProxy', () => {
    const clock = new VirtualClock(0);
    const forwarded = request({ 'x-forwarded-proto': 'https' });
    for (const [trustProxy, secure] of [[false, false], [true, true]] as const) {
      const auth = new ConsoleAuth(config({ trustProxy }), clock);
      const outcome = auth.signIn(ADMIN, 'a');
      if (!outcome.ok) throw new Error('sign-in failed');
      expect(auth.setCookie(forwarded, outcome.session).endsWith('; Secure')).toBe(secure);
    }
  });

  it('ends a session at its expiry and when its token is no longer configured', async () => {
    const clock = new VirtualClock(0);
    const auth = new ConsoleAuth(config({ sessionTtl: '1h', viewers: [{ name: 'maria', token: VIEWER }] }), clock);
    const outcome = auth.signIn(VIEWER, 'a');
    if (!outcome.ok) throw new Error('sign-in failed');
    expect(outcome.session).toMatchObject({ role: 'viewer', name: 'maria' });
    const cookie = cookieOf(auth.setCookie(request(), outcome.session));
    expect(auth.session(request({ cookie }))?.name).toBe('maria');

    // The same admin token (same signing key), but maria's token was changed in hub.yaml.
    const rotated = new ConsoleAuth(config({ viewers: [{ name: 'maria', token: 'new-viewer-token-0123456789' }] }), clock);
    expect(rotated.session(request({ cookie }))).toBeUndefined();

    await clock.advance(3_600_000);
    expect(auth.session(request({ cookie }))).toBeUndefined();
  });

  it('refuses a wrong token and counts it against the address', () => {
    const auth = new ConsoleAuth(config({}), new VirtualClock(0));
    for (let i = 0; i < 10; i++) expect(auth.signIn(`wrong-token-${i}-000000`, 'a')).toEqual({ ok: false, reason: 'invalid' });
    expect(auth.signIn(ADMIN, 'a')).toMatchObject({ ok: false, reason: 'limited' });
    expect(auth.signIn(ADMIN, 'b').ok).toBe(true);
  });

  it('keeps counting failures across valid sign-ins: a viewer token buys no extra guesses', () => {
    const auth = new ConsoleAuth(config({ viewers: [{ name: 'maria', token: VIEWER }] }), new VirtualClock(0));
    const guess = (n: number) => auth.signIn(`wrong-token-${n}-000000`, 'a');
    for (let i = 0; i < 9; i++) expect(guess(i)).toEqual({ ok: false, reason: 'invalid' });
    expect(auth.signIn(VIEWER, 'a').ok).toBe(true);
    expect(guess(9)).toEqual({ ok: false, reason: 'invalid' });
    expect(auth.signIn(ADMIN, 'a')).toMatchObject({ ok: false, reason: 'limited' });
  });

  it('counts an IPv6 client by its /64: another address in the same network is the same client', () => {
    const auth = new ConsoleAuth(config({}), new VirtualClock(0));
    for (let i = 0; i < 10; i++) auth.signIn(`wrong-token-${i}-000000`, `2001:db8:0:7::${i + 1}`);
    expect(auth.signIn(ADMIN, '2001:db8:0:7:ffff::1')).toMatchObject({ ok: false, reason: 'limited' });
    expect(auth.signIn(ADMIN, '2001:db8:0:8::1').ok).toBe(true);
  });

  it('refuses everyone once failures from all addresses together reach the global budget', () => {
    const auth = new ConsoleAuth(config({}), new VirtualClock(0));
    for (let i = 0; i < 100; i++) auth.signIn(`wrong-token-${i}-000000`, `192.0.2.${i}`);
    expect(auth.signIn(ADMIN, '198.51.100.1')).toMatchObject({ ok: false, reason: 'limited' });
  });
});

describe('ConsoleAuth.clientAddress', () => {
  it('takes the address a trusted proxy appended, and ignores X-Forwarded-For otherwise', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 192.0.2.7' };
    expect(new ConsoleAuth(config({ trustProxy: true }), new VirtualClock(0)).clientAddress(request(headers))).toBe('192.0.2.7');
    expect(new ConsoleAuth(config({}), new VirtualClock(0)).clientAddress(request(headers))).toBe('10.0.0.1');
  });
});

describe('consoleParts', () => {
  it('registers no console route without an admin token, or when disabled', () => {
    expect(consoleParts(config({}, null)).controllers).toEqual([]);
    expect(consoleParts(config({ enabled: false })).controllers).toEqual([]);
    const names = consoleParts(config({})).controllers.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['ConsoleAssetsController', 'ConsoleSessionController', 'ConsoleQueueController', 'ConsoleCommandsController', 'ConsoleInquiryController', 'ConsoleDeliveriesController']));
    expect(names).toContain('ConsoleFiguresController');
  });
});
