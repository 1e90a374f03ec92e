import { writeFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { runSlaDue } from '../../../src/cli/sla-due.command';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ADMIN_TOKEN, type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';
import { eventually, OPERATOR_TOKEN, signIn, startConsoleHub, VIEWER_TOKEN, type SignedIn } from './console-fixture';
import { RUNBOOK_RULES } from './runbook-rules';

const SECRET_IN_RULES = 'tok-RULES-SECRET-0123456789';

/**
 * The runbook page over HTTP on a virtual Friday afternoon in Berlin: the rules in force, the
 * next working time of each calendar, a what-if that answers as `replywatch sla due` does, and
 * a refused reload shown while the previous rules stay.
 */
describe(`web console runbook page over HTTP (${testBackend})`, () => {
  // Friday 2026-12-04 16:30 in Berlin; Tuesday the 8th is a holiday there.
  const clock = new VirtualClock(DateTime.fromISO('2026-12-04T16:30', { zone: 'Europe/Berlin' }).toMillis());
  let hub: TestHub;
  let viewer: SignedIn;

  const get = (path: string, cookie = viewer.cookie) => fetch(`${hub.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  const page = async (path: string) => (await get(path)).text();
  const rules = { ...RUNBOOK_RULES, duty: { targets: [...RUNBOOK_RULES.duty.targets, { name: 'audit', connector: 'log', to: { chat: 'audit', apiToken: SECRET_IN_RULES, hook: 'https://hooks.example.com/services/T0/B0/SECRETPATH' } }] } };

  /** What `replywatch sla due --json` prints for the same rules file and input. */
  async function cliDue(args: string[]): Promise<{ due: string; intervals: Array<{ from: string; to: string; minutes: number }> }> {
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      await runSlaDue([...args, '--rules', hub.rulesFile, '--json'], {});
    } finally {
      spy.mockRestore();
    }
    return JSON.parse(out) as { due: string; intervals: Array<{ from: string; to: string; minutes: number }> };
  }

  beforeAll(async () => {
    hub = await startConsoleHub({ clock, rules });
    viewer = await signIn(hub, VIEWER_TOKEN);
  });

  afterAll(() => hub?.close());

  it('shows nothing without sign-in', async () => {
    for (const path of ['/runbook', '/runbook?policy=vip']) {
      const res = await get(path, '');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/sign-in');
    }
  });

  it('is in the navigation, and lists the policies with their marks, escalation and calendar', async () => {
    const res = await get('/runbook');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<a href="/runbook" aria-current="page">Runbook</a>');
    expect(html).toMatch(/<tr data-policy="vip">\s*<th scope="row" data-label="Policy">vip<\/th>/);
    expect(html).toContain('<li>tags: enterprise, key-account</li>');
    expect(html).toContain('<td data-label="Target">2 h</td>');
    expect(html).toContain('<li>⚡ warning 15 min before the deadline (at 1 h 45 min); notifies duty</li>');
    expect(html).toContain('<li>⚠️ breach at 100% (2 h); notifies duty; mentions @lead</li>');
    expect(html).toContain('<li>30 min after the deadline; notifies duty</li>');
    expect(html).toContain('<td data-label="Escalation cooldown">20 min</td>');
    expect(html).toMatch(/<tr data-policy="default">[\s\S]*?<li>everything<\/li>/);
  });

  it('lists the calendars with their next working intervals on the hub clock, skipping the weekend and the holiday', async () => {
    const html = await page('/runbook');
    const berlin = /<tr data-calendar="berlin">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(berlin).toContain('<td data-label="Time zone">Europe/Berlin</td>');
    expect(berlin).toContain('<li>mon-fri: 09:00–18:00</li>');
    expect(berlin).toContain('<li>1 listed date</li>');
    const next = [...berlin.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)].map((m) => [m[1], m[2]]);
    expect(next).toEqual([
      ['2026-12-04T15:30:00.000Z', 'Fri 2026-12-04 16:30 to 18:00'],
      ['2026-12-07T08:00:00.000Z', 'Mon 2026-12-07 09:00 to 18:00'],
      ['2026-12-09T08:00:00.000Z', 'Wed 2026-12-09 09:00 to 18:00'],
      ['2026-12-10T08:00:00.000Z', 'Thu 2026-12-10 09:00 to 18:00'],
      ['2026-12-11T08:00:00.000Z', 'Fri 2026-12-11 09:00 to 18:00'],
    ]);
    const always = /<tr data-calendar="always">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(always).toContain('round the clock, every day');
    expect(always).toContain('Fri 2026-12-04 15:30 onward');
  });

  it('lists the duty targets with their addresses and no secret', async () => {
    const html = await page('/runbook');
    expect(html).toContain('<tr data-target="duty"><th scope="row" data-label="Target">duty</th><td data-label="Connector">log</td><td data-label="Address" class="text">chat: duty</td></tr>');
    expect(html).toContain('chat: audit, apiToken: [redacted], hook: https://hooks.example.com/…');
    for (const secret of [SECRET_IN_RULES, 'SECRETPATH', ADMIN_TOKEN, VIEWER_TOKEN, OPERATOR_TOKEN, hub.secret]) expect(html).not.toContain(secret);
  });

  it('answers the what-if for a policy as `replywatch sla due` does, with the marks and escalation on that clock', async () => {
    const res = await get('/runbook?policy=vip&calendar=&from=2026-12-04T17%3A30&minutes=');
    expect(res.status).toBe(200);
    const html = await res.text();
    const cli = await cliDue(['--calendar', 'berlin', '--from', '2026-12-04T17:30:00+01:00', '--minutes', '120']);
    expect(cli.due).toBe('2026-12-07T10:30:00+01:00');
    expect(html).toMatch(new RegExp(`<dt>Due \\(Europe/Berlin\\)</dt><dd class="due"><time datetime="2026-12-07T09:30:00.000Z">${cli.due.replace('+', '\\+')}</time></dd>`));
    for (const i of cli.intervals) expect(html).toMatch(new RegExp(`>${i.from.replace('+', '\\+')}</time></th><td data-label="To"><time [^>]+>${i.to.replace('+', '\\+')}</time></td><td data-label="Minutes">${i.minutes}</td>`));
    expect(html).toContain('<th scope="row" data-label="Point">⚡ warning</th><td data-label="On the business clock">1 h 45 min</td><td data-label="Falls at"><time datetime="2026-12-07T09:15:00.000Z">2026-12-07T10:15:00+01:00</time></td>');
    expect(html).toContain('<th scope="row" data-label="Point">🚨 escalation 1</th><td data-label="On the business clock">2 h 30 min</td><td data-label="Falls at"><time datetime="2026-12-07T10:00:00.000Z">2026-12-07T11:00:00+01:00</time></td>');
    // The form keeps what was asked.
    expect(html).toContain('<option value="vip" selected>vip</option>');
    expect(html).toContain('name="from" step="60" value="2026-12-04T17:30"');
  });

  it('answers a calendar and minutes, an instant with offset, and an empty start as now on the hub clock', async () => {
    const cli = await cliDue(['--calendar', 'berlin', '--from', '2026-12-07T17:00:00Z', '--minutes', '90']);
    expect(await page('/runbook?calendar=berlin&from=2026-12-07T17%3A00%3A00Z&minutes=90')).toContain(`>${cli.due}</time></dd>`);
    // Now is Friday 16:30 in Berlin: 90 business minutes end at Friday 18:00.
    expect(await page('/runbook?calendar=berlin&minutes=90')).toContain('<dd class="due"><time datetime="2026-12-04T17:00:00.000Z">2026-12-04T18:00:00+01:00</time></dd>');
  });

  it('answers bad input with a message naming what is known, not a server error', async () => {
    const cases: Array<[string, string]> = [
      ['/runbook?calendar=mars&minutes=10', 'No calendar &quot;mars&quot; in the rules (calendars: always, berlin).'],
      ['/runbook?policy=gold', 'No policy &quot;gold&quot; in the rules (policies: vip, default).'],
      ['/runbook?calendar=berlin&from=yesterday&minutes=10', 'Clock starts: expected a time such as 2026-11-02T22:30'],
      ['/runbook?calendar=berlin&from=2026-02-30T10%3A00&minutes=10', 'Clock starts: expected'],
      ['/runbook?calendar=berlin&minutes=ten', 'Business minutes: expected a number from 0 to 525600.'],
      ['/runbook?policy=vip&calendar=berlin', 'Choose a policy or a calendar, not both.'],
      ['/runbook?from=2026-12-04T10%3A00', 'Choose a policy or a calendar.'],
    ];
    for (const [path, message] of cases) {
      const res = await get(path);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toMatch(new RegExp(`<p class="error what-if-error" role="alert">${message.replace(/[.()?]/g, '\\$&')}`));
      // The rest of the page is there as ever.
      expect(html).toContain('<tr data-policy="vip">');
    }
  });

  it('says no reload happened yet, then shows a refused reload with where it failed while the old rules stay', async () => {
    expect(await page('/runbook')).toContain('No reload since the hub started');
    const broken = { ...rules, policies: [{ ...rules.policies[0], name: 'platinum' }, rules.policies[1]], staff: [{ name: 'Eve', role: 'boss', identities: [{ channel: 'http', id: 'eve' }] }] };
    writeFileSync(hub.rulesFile, stringify({ version: 1, ...broken }));
    process.emit('SIGHUP');
    const html = await page('/runbook');
    expect(html).toContain('Refused: the previous rules stay in force');
    expect(html).toMatch(/<th scope="row" data-label="Where">[^<]*rules\.yaml:\d+:\d+<\/th>\s*<td data-label="Key"><code>staff\[0\]\.role<\/code><\/td>/);
    expect(html).toContain('<dt>Set off by</dt><dd>SIGHUP</dd>');
    expect(html).toContain('<tr data-policy="vip">');
    expect(html).not.toContain('platinum');
    expect(html).not.toContain(SECRET_IN_RULES);

    // Fixed: applied, and the new rules show.
    writeFileSync(hub.rulesFile, stringify({ version: 1, ...broken, staff: [] }));
    await eventually('the fixed rules', async () => (await page('/runbook')).includes('<tr data-policy="platinum">'));
    expect(await page('/runbook')).toContain('<dd class="">Applied</dd>');
  });
});
