import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { resetTables, testBackend } from '../../support/test-database';

describe(`HTTP ingest end to end (${testBackend})`, () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      rules: {
        staff: [{ name: 'Alice', role: 'support', identities: [{ channel: 'http', id: 'alice' }] }],
        customers: [{ channel: 'http', conversations: ['report-chat'], tags: ['vip'] }],
      },
    });
  });

  afterAll(() => hub.close());
  beforeEach(() => resetTables(hub.db));

  async function storedMessages(): Promise<number> {
    const [row] = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    return row?.n ?? -1;
  }

  it('opens an inquiry the admin API shows, ignores the same message again, and a staff reply answers it', async () => {
    const body = ingestBody({ id: 'first' });
    const opened = await hub.post(body);
    expect(opened.status).toBe(200);
    const result = (await opened.json()) as { results: Array<{ effect: string; inquiryId: string }> };
    expect(result.results[0]).toMatchObject({ effect: 'opened', duplicate: false, role: 'customer' });

    const list = await hub.admin('/api/v1/inquiries?status=open');
    const open = (await list.json()) as { items: Array<{ id: string; conversation: { id: string; title: string } }> };
    expect(open.items).toHaveLength(1);
    expect(open.items[0]).toMatchObject({ id: result.results[0]!.inquiryId, conversation: { id: 'chat-1', title: 'Acme support' } });

    const again = (await (await hub.post(body)).json()) as { results: Array<{ duplicate: boolean }> };
    expect(again.results[0]).toMatchObject({ duplicate: true, effect: 'none' });

    const reply = await hub.post(ingestBody({ author: 'alice', text: 'Looking into it' }));
    expect(((await reply.json()) as { results: unknown[] }).results[0]).toMatchObject({ role: 'staff', effect: 'answered' });

    const detail = (await (await hub.admin(`/api/v1/inquiries/${result.results[0]!.inquiryId}`)).json()) as { status: string; sla: unknown; events: Array<{ type: string }> };
    expect(detail.status).toBe('answered');
    expect(detail).toMatchObject({ sla: null }); // this hub's runbook has no policies
    expect(detail.events.map((e) => e.type)).toEqual(['opened', 'answered']);
    expect(((await (await hub.admin('/api/v1/inquiries?status=open')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('accepts a batch and answers per message', async () => {
    const response = await hub.post({ messages: [ingestBody({ conversation: 'a' }), ingestBody({ conversation: 'b' }), ingestBody({ conversation: 'a' })] });
    const body = (await response.json()) as { results: Array<{ conversationId: string; effect: string }> };
    expect(body.results.map((r) => `${r.conversationId}:${r.effect}`)).toEqual(['a:opened', 'b:opened', 'a:updated']);
  });

  it('treats a resent webhook-id as already done, and a reused one with another body as a 409 that stores nothing', async () => {
    const body = ingestBody({ conversation: 'x' });
    await hub.post(body, { webhookId: 'msg_replayed' });
    const replay = await hub.post(body, { webhookId: 'msg_replayed' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ replayed: true, results: [] });
    const reused = await hub.post(ingestBody({ conversation: 'y' }), { webhookId: 'msg_replayed' });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ status: 409, header: 'webhook-id', detail: expect.stringContaining('different body') as unknown });
    expect(await storedMessages()).toBe(1);
    // Sent at once, the same id with two bodies stores one of them.
    const racing = await Promise.all([hub.post(ingestBody({ conversation: 'r1' }), { webhookId: 'msg_race' }), hub.post(ingestBody({ conversation: 'r2' }), { webhookId: 'msg_race' })]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await storedMessages()).toBe(2);
  });

  it('refuses a bad signature with 401 naming the header, and stores nothing', async () => {
    const response = await hub.post(ingestBody(), { headers: { 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 401, header: 'webhook-signature' });
    expect(await storedMessages()).toBe(0);
  });

  it('refuses a body changed after signing', async () => {
    const signedFor = JSON.stringify(ingestBody({ text: 'original' }));
    const response = await fetch(`${hub.url}/api/v1/messages`, {
      method: 'POST',
      headers: await signedHeaders(hub, signedFor),
      body: signedFor.replace('original', 'tampered'),
    });
    expect(response.status).toBe(401);
    expect(await storedMessages()).toBe(0);
  });

  it('refuses a stale or future timestamp and a missing header', async () => {
    const stale = await hub.post(ingestBody(), { timestamp: new Date(Date.now() - 6 * 60_000) });
    expect(stale.status).toBe(401);
    const staleProblem = (await stale.json()) as { header: string; detail: string };
    expect(staleProblem.header).toBe('webhook-timestamp');
    expect(staleProblem.detail).toContain('older than the 5 minute window');
    const future = await hub.post(ingestBody(), { timestamp: new Date(Date.now() + 6 * 60_000) });
    expect(((await future.json()) as { header: string }).header).toBe('webhook-timestamp');
    const missing = await hub.post(ingestBody(), { headers: { 'webhook-id': '' } });
    expect(await missing.json()).toMatchObject({ status: 401, detail: 'missing header webhook-id', header: 'webhook-id' });
    expect(await storedMessages()).toBe(0);
  });

  it.each([
    ['malformed JSON', '{"conversation": ', 400, /not valid JSON/],
    ['a missing field', JSON.stringify({ conversation: { id: 'c' }, message: { id: 'm', text: 'x' }, author: { id: 'a' } }), 422, /\/message\/sentAt/],
    ['a wrong type', JSON.stringify({ ...ingestBody(), author: { id: 'a', role: 'manager' } }), 422, /\/author\/role/],
    ['an unknown field', JSON.stringify({ ...ingestBody(), priority: 'high' }), 422, /priority/],
    ['text over the limit', JSON.stringify(ingestBody({ text: 'x'.repeat(32_769) })), 422, /\/message\/text: longer than the limit of 32768/],
    ['a date without offset', JSON.stringify(ingestBody({ sentAt: '2026-11-02T12:00:00' })), 422, /\/message\/sentAt/],
    ['an empty batch', JSON.stringify({ messages: [] }), 422, /\/messages/],
    ['a link that is not http(s)', JSON.stringify({ ...ingestBody(), message: { ...ingestBody().message, link: 'javascript:alert(1)' } }), 422, /\/message\/link: expected an absolute http or https URL/],
    // A sender's zero date (Go, .NET): refused before any SLA arithmetic over two thousand years.
    ['a date in year 1', JSON.stringify(ingestBody({ sentAt: '0001-01-01T00:00:00Z' })), 422, /message\.sentAt: older than the 365 days the hub accepts \(intake\.maxMessageAge\)/],
    ['a date in year 0', JSON.stringify(ingestBody({ sentAt: '0000-01-01T00:00:00Z' })), 422, /message\.sentAt: older than the 365 days/],
  ])('answers %s with a located problem and stores nothing', async (_name, raw, status, detail) => {
    const response = await hub.post(undefined, { raw });
    expect(response.status).toBe(status);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toMatch(detail);
    expect(await storedMessages()).toBe(0);
  });

  it('stores nothing of a batch with one refused message, and says which one', async () => {
    const good = ingestBody({ conversation: 'batch-a' });
    const surrogate = ingestBody({ conversation: 'batch-b', text: 'half a pair \ud800 here' });
    const nul = ingestBody({ conversation: 'batch-c', text: 'nul \u0000 inside' });
    for (const [bad, reason] of [
      [surrogate, /\[1\] message\.text: contains half of a UTF-16 surrogate pair/],
      [nul, /\[1\] message\.text: contains a NUL character/],
    ] as const) {
      const response = await hub.post({ messages: [good, bad] });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { detail: string }).detail).toMatch(reason);
    }
    expect(await storedMessages()).toBe(0);
    // Alone, a lone surrogate in an id is refused the same way, not a 500.
    const alone = await hub.post({ ...ingestBody(), conversation: { id: 'x\udc00' } });
    expect(alone.status).toBe(422);
    expect(await storedMessages()).toBe(0);
  });

  it('refuses an oversized webhook-id before storing anything, and stores the request once it is fixed', async () => {
    const body = ingestBody({ conversation: 'long-id' });
    const refused = await hub.post(body, { webhookId: `msg_${'x'.repeat(4000)}` });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ header: 'webhook-id', detail: 'webhook-id: longer than 256 characters' });
    expect(await storedMessages()).toBe(0);
    expect((await hub.post(body)).status).toBe(200);
    expect(await storedMessages()).toBe(1);
  });

  it('answers a command whose who or why cannot be stored with 422, changing nothing', async () => {
    const opened = (await (await hub.post(ingestBody({ conversation: 'cmd-bad' }))).json()) as { results: Array<{ inquiryId: string }> };
    const id = opened.results[0]!.inquiryId;
    const nul = await hub.command(`/api/v1/inquiries/${id}/hold`, { by: 'a\u0000b' });
    expect(nul.status).toBe(422);
    expect(((await nul.json()) as { detail: string }).detail).toBe('/by: contains a NUL character');
    expect((await hub.command(`/api/v1/inquiries/${id}/hold`, { reason: 'half \udbff' })).status).toBe(422);
    expect(((await (await hub.admin(`/api/v1/inquiries/${id}`)).json()) as { status: string }).status).toBe('open');
  });

  it('stays responsive after a sender sends a zero date: the next message is answered at once', async () => {
    expect((await hub.post(ingestBody({ conversation: 'zero-date', sentAt: '0001-01-01T00:00:00Z' }))).status).toBe(422);
    const started = performance.now();
    expect((await hub.post(ingestBody({ conversation: 'zero-date' }))).status).toBe(200);
    // Before the bound the first ordinary message after it took over a minute (the calendar
    // built every day since year 1).
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await storedMessages()).toBe(1);
  });

  it('answers a non-JSON content type or a charset other than UTF-8 with 415, and takes +json types', async () => {
    const response = await fetch(`${hub.url}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(response.status).toBe(415);
    const latin = await hub.post(ingestBody(), { headers: { 'content-type': 'application/json; charset=iso-8859-1' } });
    expect(latin.status).toBe(415);
    expect(await latin.json()).toMatchObject({ header: 'content-type', detail: 'content-type: charset iso-8859-1 is not supported; send UTF-8' });
    expect((await hub.post(ingestBody(), { headers: { 'content-type': 'application/jsonp' } })).status).toBe(415);
    expect((await hub.post(ingestBody(), { headers: { 'content-type': 'application/json; charset=UTF-8' } })).status).toBe(200);
    expect((await hub.post(ingestBody(), { headers: { 'content-type': 'application/cloudevents+json' } })).status).toBe(200);
  });

  it("refuses a 'before' that is not an ISO 8601 instant instead of reading it as a date", async () => {
    const injected = await hub.admin(`/api/v1/inquiries?before=${encodeURIComponent("' OR '1'='1")}`);
    expect(injected.status).toBe(400);
    expect(await injected.json()).toMatchObject({ parameter: 'before' });
    expect((await hub.admin('/api/v1/inquiries?before=2026-11-02T12:00:00Z')).status).toBe(200);
  });

  it('refuses a parameter given twice or in bracket form with 400 naming it, instead of failing with 500', async () => {
    for (const [path, parameter] of [
      ['/api/v1/reports?period=last-month&period=this-month', 'period'],
      ['/api/v1/reports?to=2026-11-01&to=2026-11-30', 'to'],
      ['/api/v1/inquiries?status=open&status=answered', 'status'],
      ['/api/v1/deliveries?limit=1&limit=2', 'limit'],
    ] as const) {
      const response = await hub.admin(path);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ parameter });
    }
    // Brackets make no nested object: `status[]` is just an unknown parameter.
    expect((await hub.admin('/api/v1/inquiries?status[]=open&channel[x]=y')).status).toBe(200);
  });

  it('holds, resumes and resolves an inquiry through the admin API, recording who and why', async () => {
    const opened = (await (await hub.post(ingestBody({ conversation: 'cmd' }))).json()) as { results: Array<{ inquiryId: string }> };
    const id = opened.results[0]!.inquiryId;
    expect(await (await hub.command(`/api/v1/inquiries/${id}/hold`, { by: 'staff:alice', reason: 'waiting for logs' })).json()).toEqual({ id, status: 'on_hold', deliveries: 0 });
    expect((await hub.command(`/api/v1/inquiries/${id}/hold`)).status).toBe(409);
    expect((await hub.command(`/api/v1/inquiries/${id}/resume`)).status).toBe(200);
    expect((await hub.command(`/api/v1/inquiries/${id}/resolve`, { reason: 'done' })).status).toBe(200);
    const detail = (await (await hub.admin(`/api/v1/inquiries/${id}`)).json()) as { status: string; events: Array<{ type: string; actor: string; reason: string | null }> };
    expect(detail.status).toBe('resolved');
    expect(detail.events.map((e) => [e.type, e.actor, e.reason])).toEqual([
      ['opened', 'customer:client-7', null],
      ['held', 'staff:alice', 'waiting for logs'],
      ['resumed', 'admin', null],
      ['resolved', 'admin', 'done'],
    ]);
    expect((await hub.command(`/api/v1/inquiries/${id}/snooze`)).status).toBe(404);
    expect((await hub.command(`/api/v1/inquiries/00000000-0000-4000-8000-000000000000/hold`)).status).toBe(404);
    expect((await hub.command(`/api/v1/inquiries/${id}/escalate`, { priority: 'high' })).status).toBe(422);
    expect((await hub.command(`/api/v1/inquiries/${id}/escalate`, '{"by":')).status).toBe(400);
    expect((await fetch(`${hub.url}/api/v1/inquiries/${id}/resolve`, { method: 'POST' })).status).toBe(401);
  });

  it('serves the SLA report as JSON and CSV behind the admin token', async () => {
    await hub.post(ingestBody({ conversation: 'report-chat' }));
    const json = (await (await hub.admin('/api/v1/reports?period=this-month')).json()) as { inquiries: number; stillOpen: number };
    expect(json).toMatchObject({ inquiries: 1, stillOpen: 1 });
    const csv = await hub.admin('/api/v1/reports?period=this-month&format=csv&bom=1');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM (text() would hide it)
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('chat_id,created_at,first_reply_at,overdue,')).toBe(true);
    expect(text).toContain('report-chat,');
    await hub.post(ingestBody({ conversation: 'other-chat' }));
    expect(await (await hub.admin('/api/v1/reports?period=this-month&tag=vip')).json()).toMatchObject({ inquiries: 1 });
    expect(await (await hub.admin('/api/v1/reports?period=this-month')).json()).toMatchObject({ inquiries: 2 });
    expect(await (await hub.admin('/api/v1/reports?period=this-month&tag=gold')).json()).toMatchObject({ status: 400, parameter: 'tag', detail: 'tag: unknown tag "gold" (tags in rules.yaml: vip)' });
    expect((await hub.admin('/api/v1/reports?from=2026-12-01&to=2026-01-01')).status).toBe(400);
    expect(await (await hub.admin('/api/v1/reports?period=fortnight')).json()).toMatchObject({ status: 400, parameter: 'period' });
    expect((await fetch(`${hub.url}/api/v1/reports?period=q1`)).status).toBe(401);
  });

  it('keeps the admin API behind the bearer token', async () => {
    expect((await fetch(`${hub.url}/api/v1/inquiries`)).status).toBe(401);
    expect((await hub.admin('/api/v1/inquiries', 'wrong-token-wrong-token')).status).toBe(401);
    expect((await hub.admin('/api/v1/inquiries?status=bogus')).status).toBe(400);
    const badDeliveryStatus = await hub.admin('/api/v1/deliveries?status=bogus');
    expect(badDeliveryStatus.status).toBe(400);
    expect(await badDeliveryStatus.json()).toMatchObject({ parameter: 'status', detail: 'status: expected one of pending, in_flight, delivered, dead' });
    expect((await hub.admin('/api/v1/inquiries/not-a-uuid')).status).toBe(404);
  });

  it('reports readiness with the database and each connector, and Prometheus metrics', async () => {
    const ready = (await (await fetch(`${hub.url}/health/ready`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'up', database: { status: 'up', backend: testBackend }, connectors: { http: { status: 'up' }, log: { status: 'up' } } });
    await hub.post(ingestBody());
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/replywatch_messages_accepted_total\{channel="http",role="customer",duplicate="false"\} \d+/);
    expect(metrics).toMatch(/replywatch_outbox_deliveries\{status="dead"\} 0/);
    // The process's own metrics, beside the hub's.
    expect(metrics).toMatch(/^replywatch_process_cpu_user_seconds_total \d/m);
    expect(metrics).toMatch(/^replywatch_nodejs_eventloop_lag_p99_seconds \d/m);
    expect(metrics).toContain('# TYPE replywatch_nodejs_gc_duration_seconds histogram');
  });

  it('never shows a secret in readiness, metrics or error answers', async () => {
    const bodies = await Promise.all([
      fetch(`${hub.url}/health/ready`).then((r) => r.text()),
      fetch(`${hub.url}/metrics`).then((r) => r.text()),
      hub.post(ingestBody(), { headers: { 'webhook-signature': 'v1,bad' } }).then((r) => r.text()),
      hub.admin('/api/v1/inquiries', 'nope-nope-nope-nope').then((r) => r.text()),
    ]);
    for (const text of bodies) {
      expect(text).not.toContain(hub.secret.slice(6, 20));
      expect(text).not.toContain('test-admin-token');
    }
  });
});

async function signedHeaders(hub: TestHub, raw: string): Promise<Record<string, string>> {
  const { Webhook } = await import('standardwebhooks');
  const at = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': 'msg_tamper',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(hub.secret).sign('msg_tamper', at, raw),
  };
}
