import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ConnectorError, defineConnector, problem, secret, type ServiceName } from '../../../src/plugins/sdk';
import { createTestContext, FakePeer, TestClock } from '../../../src/plugins/testing';

const schema = z.object({ apiKey: secret(z.string().min(8)), rooms: z.array(z.object({ id: z.string() })).default([]) });

function connector(services?: ServiceName[]) {
  return defineConnector({
    manifest: { id: 'ctx-probe', direction: 'duplex', channel: 'probe', configSchema: schema, ...(services ? { services } : {}) },
    create: () => ({ verify: () => Promise.resolve({ status: 'up' as const }) }),
  });
}

const config = { apiKey: 'probe-key-1234' };

describe('createTestContext', () => {
  it('validates the config like the hub, naming paths and never values', () => {
    expect(() => createTestContext(connector(), { config: { apiKey: 'tiny-v', rooms: [{ id: 7 }] } })).toThrow(/ctx-probe: config does not match manifest.configSchema:\n {2}apiKey: .*\n {2}rooms\[0\]\.id: /);
    try {
      createTestContext(connector(), { config: { apiKey: 'tiny-v' } });
    } catch (error) {
      expect(String(error)).not.toContain('tiny-v');
    }
  });

  it('refuses undeclared services on use, as the hub does, and has no database', async () => {
    const bare = createTestContext(connector(), { config });
    const { state, routes, logger } = bare.context;
    logger.info('destructuring the context is harmless');
    expect(() => state.get('x')).toThrow('connector ctx-probe uses ctx.state but does not declare "state" in manifest.services');
    expect(() => routes.post('/x', () => Promise.resolve({ status: 200 }))).toThrow('uses ctx.routes but does not declare "routes"');
    expect(() => bare.context.database.schema).toThrow('does not declare "database"');
    await bare.dispose();

    const full = createTestContext(connector(['state', 'database']), { config });
    await full.context.state.set('x', 1);
    expect(full.state.writes).toBe(1);
    expect(() => full.context.database.query('select 1')).toThrow('not available in the test kit');
    await full.dispose();
  });

  it('collects logs and health, and gives a data directory removed on dispose', async () => {
    const t = createTestContext(connector(), { config });
    t.context.logger.warn('careful');
    t.context.health.report({ status: 'degraded', detail: 'slow' });
    t.context.health.report({ status: 'up' });
    expect(t.logs).toEqual([{ level: 'warn', message: 'careful' }]);
    expect([t.health.last, t.health.reports.length]).toEqual([{ status: 'up' }, 2]);
    expect(t.context.hub.backend).toBe('embedded');
    expect(existsSync(t.context.hub.dataDir)).toBe(true);
    expect(t.context.config).toEqual({ apiKey: 'probe-key-1234', rooms: [] });
    await t.dispose();
    expect(existsSync(t.context.hub.dataDir)).toBe(false);
  });

  it('runs a singleton again after it returns, after retryAfterMs when it throws, and stops it', async () => {
    const clock = new TestClock({ start: 0 });
    const t = createTestContext(connector(['singleton']), { config, clock });
    const calls: number[] = [];
    const handle = t.context.singleton.run('loop', async (signal) => {
      calls.push(clock.now());
      if (calls.length === 2) throw new ConnectorError('RATE_LIMITED', 'slow down', { retryAfterMs: 30_000 });
      if (calls.length >= 3) await clock.sleep(10 ** 9, signal);
    });
    // Real time for the loop to go round (a loaded machine may need more than one tick).
    for (let i = 0; i < 200 && (calls.length < 2 || clock.pendingSleepers === 0); i++) await new Promise((r) => setTimeout(r, 5));
    expect(calls).toEqual([0, 0]);
    await clock.advance(29_999);
    expect(calls).toHaveLength(2);
    await clock.advance(1);
    expect(calls).toEqual([0, 0, 30_000]);
    expect(handle.held).toBe(true);
    await handle.stop();
    expect(handle.held).toBe(false);
    expect(t.logs).toEqual([{ level: 'warn', message: 'singleton loop failed: slow down' }]);
    await t.dispose();
  });

  it('yields to I/O between runs of a singleton whose work returns at once', async () => {
    const peer = new FakePeer();
    const url = await peer.start();
    const t = createTestContext(connector(['singleton']), { config });
    let runs = 0;
    const handle = t.context.singleton.run('busy', () => Promise.resolve(void runs++));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(runs).toBeGreaterThan(0);
    await handle.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(after);
    await Promise.all([t.dispose(), peer.stop()]);
  });

  it('schedules work every interval after the initial delay, and dispose stops it', async () => {
    const clock = new TestClock({ start: 0 });
    const t = createTestContext(connector(['scheduler']), { config, clock });
    const runs: number[] = [];
    t.context.scheduler.every('tick', 60_000, () => Promise.resolve(void runs.push(clock.now())), { initialDelayMs: 5000 });
    await clock.advance(4999);
    expect(runs).toEqual([]);
    await clock.advance(130_001);
    expect(runs).toEqual([5000, 65_000, 125_000]);
    await t.dispose();
    await clock.advance(60_000);
    expect(runs).toHaveLength(3);
  });

  it('serves routes over HTTP with the hub’s limits and error rendering', async () => {
    const t = createTestContext(connector(['routes']), { config });
    t.context.routes.post('/probe/in', (request) => Promise.resolve({ status: 202, body: { got: request.json(), q: request.query.get('q'), h: request.headers['x-probe'] } }), { bodyLimit: 64, contentTypes: ['application/json'] });
    t.context.routes.get('/probe/problem', () => Promise.reject(problem(409, 'Conflict', 'already there', { field: 'id' }, { 'retry-after': '2' })));
    t.context.routes.get('/probe/crash', () => Promise.reject(new Error('boom')));
    const base = await t.routes.url();
    const post = (body: string, type = 'application/json') => fetch(`${base}/probe/in?q=1`, { method: 'POST', body, headers: { 'content-type': type, 'x-probe': 'p' } });

    const ok = await post('{"a":1}');
    expect([ok.status, await ok.json()]).toEqual([202, { got: { a: 1 }, q: '1', h: 'p' }]);
    const malformed = await post('{"a":');
    expect([malformed.status, malformed.headers.get('content-type'), ((await malformed.json()) as { title: string }).title]).toEqual([400, 'application/problem+json', 'Malformed JSON']);
    expect((await post('x'.repeat(65))).status).toBe(413);
    expect((await post('{}', 'text/plain')).status).toBe(415);
    const conflict = await fetch(`${base}/probe/problem`);
    expect([conflict.status, conflict.headers.get('retry-after'), await conflict.json()]).toEqual([409, '2', { type: 'about:blank', title: 'Conflict', status: 409, detail: 'already there', field: 'id' }]);
    const crash = await fetch(`${base}/probe/crash`);
    expect([crash.status, await crash.text()]).toEqual([500, '']);
    expect(t.logs).toContainEqual({ level: 'error', message: 'route GET /probe/crash failed: boom' });
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect((await fetch(`${base}/probe/in`)).status).toBe(405);
    await t.dispose();
    await expect(fetch(`${base}/probe/problem`)).rejects.toThrow();
  });

  it('offers inquiries, staff, reports and notices good enough for unit tests', async () => {
    const t = createTestContext(connector(['inquiries', 'staff', 'reports', 'notices']), {
      config,
      clock: new TestClock({ start: Date.parse('2026-11-21T10:00:00Z') }),
      dutyTargets: [{ name: 'duty', to: { chat: 'ops' } }],
      staff: [{ id: 'u-1', name: 'Ann', role: 'support', source: 'rules' }],
      openInquiries: { 'c-1': { inquiryId: 'i-1', status: 'open', title: null } },
    });
    const { inquiries, staff, reports, notices } = t.context;
    expect(await inquiries.waiting()).toEqual([]);
    expect(await inquiries.openIn('c-1')).toMatchObject({ inquiryId: 'i-1' });
    expect(await inquiries.openIn('c-2')).toBeUndefined();
    expect(await inquiries.run('hold', 'i-1', { by: 'ann' })).toEqual({ ok: true, status: 'on_hold' });
    expect(t.commands).toEqual([{ command: 'hold', inquiryId: 'i-1', by: 'ann', reason: undefined }]);

    expect(await staff.roleOf({ id: 'u-1' })).toBe('staff');
    expect(await staff.roleOf({ id: 'u-2' })).toBe('customer');
    expect(await staff.roleOf({ id: 'u-2', role: 'bot' })).toBe('bot');
    expect(await staff.add({ id: 'u-2', role: 'sales', name: null }, 'ann')).toBe('added');
    expect(await staff.roleOf({ id: 'u-2' })).toBe('staff');
    expect((await staff.list()).map((m) => m.id)).toEqual(['u-1', 'u-2']);

    const lastMonth = reports.period(['last-month'], 'this-month');
    expect(lastMonth).toEqual({ label: 'October 2026', from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') });
    expect(reports.period([], 'this-month')).toMatchObject({ to: new Date('2026-11-22T00:00:00Z') });
    expect(reports.period(['2026-10-01', '2026-10-31'], 'x')).toMatchObject({ to: new Date('2026-11-01T00:00:00Z') });
    expect(reports.period(['2026-02-30', '2026-03-01'], 'x')).toEqual({ error: '"2026-02-30" is not a date (YYYY-MM-DD)' });
    const chunks: string[] = [];
    if ('error' in lastMonth) throw new Error(lastMonth.error);
    expect(await reports.csv(lastMonth, (c) => Promise.resolve(void chunks.push(c)))).toBe(0);
    expect(chunks[0]).toMatch(/^inquiry_id,/);
    expect(await reports.text(lastMonth)).toContain('October 2026');
    expect(reports.fileName('2026-Q4')).toBe('replywatch-2026-Q4.csv');

    expect(await notices.send({ target: 'duty', key: 'k1', topic: 't', text: 'hello' })).toBe(true);
    expect(await notices.send({ target: 'duty', key: 'k1', topic: 't', text: 'hello' })).toBe(false);
    expect(await notices.send({ target: 'nobody', key: 'k2', topic: 't', text: 'hello' })).toBe(false);
    expect(t.notices.map((n) => n.key)).toEqual(['k1']);
    await t.dispose();
  });
});
