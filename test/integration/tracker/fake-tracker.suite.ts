import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { FakeTracker, type TrackerComment, type TrackerIssue } from '../../support/fake-tracker';

const ORG = '7654321';
const OAUTH = 'y0_oauth-token';
const IAM = 't1.iam-token';

/** The fake Tracker peer itself: the contract a Tracker connector will be tested against. */
describe('fake Yandex Tracker peer', () => {
  let clock: VirtualClock;
  let tracker: FakeTracker;
  let api: AxiosInstance;

  beforeEach(async () => {
    clock = new VirtualClock('2026-12-02T10:00:00Z');
    tracker = new FakeTracker({ orgId: ORG, oauthTokens: [OAUTH], iamTokens: [IAM], now: () => clock.now() });
    tracker.queue('SUP').queue('OPS', { requiredFields: ['product'] }).queue('LEG', { requiredFields: ['contract'], requiredFieldStatus: 400 });
    await tracker.start();
    api = client(tracker.url, { Authorization: `OAuth ${OAUTH}`, 'X-Org-ID': ORG });
  });

  afterEach(() => tracker.stop());

  describe('auth', () => {
    it.each([
      ['OAuth token with X-Org-ID', { Authorization: `OAuth ${OAUTH}`, 'X-Org-ID': ORG }],
      ['IAM token with X-Cloud-Org-ID', { Authorization: `Bearer ${IAM}`, 'X-Cloud-Org-ID': ORG }],
      ['OAuth token with X-Cloud-Org-ID', { Authorization: `OAuth ${OAUTH}`, 'X-Cloud-Org-ID': ORG }],
      ['IAM token with X-Org-ID', { Authorization: `Bearer ${IAM}`, 'X-Org-ID': ORG }],
    ])('accepts an %s', async (_name, headers) => {
      const res = await client(tracker.url, headers).post('/v2/issues/', { queue: 'SUP', summary: 's' });
      expect(res.status).toBe(201);
    });

    it.each([
      ['no Authorization', { 'X-Org-ID': ORG }],
      ['an unknown OAuth token', { Authorization: 'OAuth nope', 'X-Org-ID': ORG }],
      ['the IAM token under the OAuth scheme', { Authorization: `OAuth ${IAM}`, 'X-Org-ID': ORG }],
      ['the OAuth token under the Bearer scheme', { Authorization: `Bearer ${OAUTH}`, 'X-Org-ID': ORG }],
    ])('answers 401 in Tracker error shape for %s', async (_name, headers) => {
      const res = await client(tracker.url, headers).get('/v2/issues/SUP-1');
      expect(res.status).toBe(401);
      expect(res.data).toEqual({ errors: {}, errorMessages: [expect.any(String)], statusCode: 401 });
    });

    it.each([
      ['no org header', { Authorization: `OAuth ${OAUTH}` }],
      ['a wrong org', { Authorization: `OAuth ${OAUTH}`, 'X-Org-ID': '1' }],
      ['both org headers', { Authorization: `OAuth ${OAUTH}`, 'X-Org-ID': ORG, 'X-Cloud-Org-ID': ORG }],
    ])('answers 403 for %s', async (_name, headers) => {
      const res = await client(tracker.url, headers).post('/v2/issues/', { queue: 'SUP', summary: 's' });
      expect(res.status).toBe(403);
      expect(res.data).toMatchObject({ statusCode: 403, errorMessages: [expect.any(String)] });
      expect(tracker.issues.size).toBe(0);
    });

    it('starts answering 401 once a token is revoked', async () => {
      expect((await api.post('/v2/issues/', { queue: 'SUP', summary: 's' })).status).toBe(201);
      tracker.revoke(OAUTH);
      expect((await api.get('/v2/issues/SUP-1')).status).toBe(401);
    });
  });

  describe('issues', () => {
    it('creates an issue keyed by queue and counter, stamped by the injected clock', async () => {
      const first = await api.post<TrackerIssue>('/v2/issues/', { queue: 'SUP', summary: 'Client waits', description: 'd', tags: ['sla'], type: 'task', priority: 'critical', unique: 'rw-1' });
      await clock.advance(60_000);
      const second = await api.post('/v2/issues/', { queue: 'SUP', summary: 'Another' });
      expect(first.status).toBe(201);
      expect(first.data).toMatchObject({ key: 'SUP-1', summary: 'Client waits', description: 'd', queue: { key: 'SUP' }, status: { key: 'open' }, tags: ['sla'], unique: 'rw-1', type: { key: 'task' }, priority: { key: 'critical' }, createdAt: '2026-12-02T10:00:00.000+0000', updatedAt: '2026-12-02T10:00:00.000+0000' });
      expect(typeof first.data.id).toBe('string');
      expect(second.data).toMatchObject({ key: 'SUP-2', createdAt: '2026-12-02T10:01:00.000+0000' });
      const got = await api.get('/v2/issues/SUP-1');
      expect(got.status).toBe(200);
      expect(got.data).toEqual(first.data);
    });

    it('answers 404 for an unknown issue', async () => {
      const res = await api.get('/v2/issues/SUP-99');
      expect(res.status).toBe(404);
      expect(res.data).toMatchObject({ statusCode: 404 });
    });

    it('on a repeated unique creates nothing and answers 409 without naming the issue; _search by filter finds it', async () => {
      const created = await api.post('/v2/issues/', { queue: 'SUP', summary: 'first', unique: 'rw-inquiry-42' });
      const again = await api.post('/v2/issues/', { queue: 'SUP', summary: 'second', unique: 'rw-inquiry-42' });
      expect(again.status).toBe(409);
      expect(again.data).toMatchObject({ statusCode: 409, errors: {} });
      expect(JSON.stringify(again.data)).not.toContain('SUP-1');
      expect(tracker.issues.size).toBe(1);
      const found = await api.post('/v2/issues/_search', { filter: { unique: 'rw-inquiry-42' } });
      expect(found.status).toBe(200);
      expect(found.data).toEqual([created.data]);
      const byQuery = await api.post('/v2/issues/_search', { query: 'Unique: "rw-inquiry-42"' });
      expect(byQuery.data).toEqual([created.data]);
    });

    it.each([
      ['an unknown queue', { queue: 'NOPE', summary: 's' }, 404],
      ['no queue', { summary: 's' }, 400],
      ['no summary', { queue: 'SUP' }, 400],
      ['a missing required custom field (422 queue)', { queue: 'OPS', summary: 's' }, 422],
      ['a missing required custom field (400 queue)', { queue: 'LEG', summary: 's' }, 400],
    ])('refuses %s in Tracker error shape', async (_name, body, status) => {
      const res = await api.post('/v2/issues/', body);
      expect(res.status).toBe(status);
      expect(res.data).toMatchObject({ errorMessages: [expect.any(String)], statusCode: status });
      expect(Object.keys(res.data as object).sort()).toEqual(['errorMessages', 'errors', 'statusCode']);
      expect(tracker.issues.size).toBe(0);
    });

    it('accepts a required custom field when given', async () => {
      const res = await api.post('/v2/issues/', { queue: 'OPS', summary: 's', product: 'hub' });
      expect(res.status).toBe(201);
      expect(res.data).toMatchObject({ key: 'OPS-1', product: 'hub' });
    });

    it('refuses a body that is not JSON with 400', async () => {
      const res = await api.post('/v2/issues/', '{"queue": "SUP",', { headers: { 'content-type': 'application/json' }, transformRequest: (d: unknown) => d });
      expect(res.status).toBe(400);
      expect(res.data).toMatchObject({ statusCode: 400 });
    });
  });

  describe('_search', () => {
    beforeEach(async () => {
      for (let i = 1; i <= 5; i++) await api.post('/v2/issues/', { queue: 'SUP', summary: `s${i}` });
      await api.post('/v2/issues/', { queue: 'OPS', summary: 'ops', product: 'p' });
    });

    it.each([
      ['none', {}],
      ['queue and filter', { queue: 'SUP', filter: { unique: 'x' } }],
      ['keys and query', { keys: ['SUP-1'], query: 'Queue: SUP' }],
    ])('answers 400 when given %s of queue/keys/filter/query', async (_name, body) => {
      const res = await api.post('/v2/issues/_search', body);
      expect(res.status).toBe(400);
      expect(res.data).toMatchObject({ statusCode: 400 });
    });

    it('pages with perPage/page and X-Total-Pages / X-Total-Count', async () => {
      const page1 = await api.post<TrackerIssue[]>('/v2/issues/_search?perPage=2&page=1', { queue: 'SUP' });
      const page3 = await api.post<TrackerIssue[]>('/v2/issues/_search?perPage=2&page=3', { queue: 'SUP' });
      expect(page1.headers['x-total-pages']).toBe('3');
      expect(page1.headers['x-total-count']).toBe('5');
      expect(page1.data.map((i) => i.key)).toEqual(['SUP-1', 'SUP-2']);
      expect(page3.data.map((i) => i.key)).toEqual(['SUP-5']);
    });

    it('searches by keys', async () => {
      const res = await api.post<TrackerIssue[]>('/v2/issues/_search', { keys: ['SUP-2', 'OPS-1'] });
      expect(res.data.map((i) => i.key)).toEqual(['SUP-2', 'OPS-1']);
      expect(res.headers['x-total-count']).toBe('2');
    });
  });

  describe('comments and transitions', () => {
    beforeEach(async () => {
      await api.post('/v2/issues/', { queue: 'SUP', summary: 's' });
    });

    it('adds a comment as the robot, and lists comments after an id cursor including an agent\'s', async () => {
      const posted = await api.post<TrackerComment>('/v2/issues/SUP-1/comments', { text: 'Client is waiting' });
      expect(posted.status).toBe(201);
      expect(posted.data).toMatchObject({ text: 'Client is waiting', createdBy: { id: '1130000000000001', display: 'Replywatch Robot' }, createdAt: '2026-12-02T10:00:00.000+0000' });
      expect(typeof posted.data.id).toBe('number');
      await clock.advance(5_000);
      tracker.agentComment('SUP-1', { id: 'agent-7', display: 'Anna Agent' }, 'On it');
      const all = await api.get<TrackerComment[]>('/v2/issues/SUP-1/comments');
      expect(all.data.map((c) => c.text)).toEqual(['Client is waiting', 'On it']);
      const newer = await api.get(`/v2/issues/SUP-1/comments?id=${posted.data.id}`);
      expect(newer.data).toEqual([expect.objectContaining({ text: 'On it', createdBy: { id: 'agent-7', display: 'Anna Agent' }, createdAt: '2026-12-02T10:00:05.000+0000' })]);
      expect((await api.get<TrackerIssue>('/v2/issues/SUP-1')).data.updatedAt).toBe('2026-12-02T10:00:05.000+0000');
    });

    it('refuses a comment without text', async () => {
      expect((await api.post('/v2/issues/SUP-1/comments', {})).status).toBe(400);
    });

    it('lists transitions and executes one, with a comment', async () => {
      const list = await api.get('/v2/issues/SUP-1/transitions');
      expect(list.data).toContainEqual({ id: 'resolve', to: { key: 'resolved' } });
      const done = await api.post('/v2/issues/SUP-1/transitions/resolve/_execute', { comment: 'Answered' });
      expect(done.status).toBe(200);
      expect((await api.get<TrackerIssue>('/v2/issues/SUP-1')).data.status).toEqual({ key: 'resolved' });
      expect(tracker.commentsOf('SUP-1').map((c) => c.text)).toEqual(['Answered']);
      const unavailable = await api.post('/v2/issues/SUP-1/transitions/resolve/_execute', {});
      expect(unavailable.status).toBe(404);
    });

    it('lets a test resolve the issue as an agent in Tracker', async () => {
      tracker.agentTransition('SUP-1', 'resolve');
      expect((await api.get<TrackerIssue>('/v2/issues/SUP-1')).data.status).toEqual({ key: 'resolved' });
      expect((await api.get('/v2/issues/SUP-1/transitions')).data).toContainEqual({ id: 'reopen', to: { key: 'open' } });
    });
  });

  describe('faults', () => {
    it('answers 429 with and without Retry-After, then normally', async () => {
      tracker.failNext('POST /v2/issues/', { status: 429, headers: { 'retry-after': '7' } });
      tracker.failNext('POST /v2/issues/', { status: 429 });
      const first = await api.post<TrackerIssue>('/v2/issues/', { queue: 'SUP', summary: 's' });
      const second = await api.post('/v2/issues/', { queue: 'SUP', summary: 's' });
      const third = await api.post('/v2/issues/', { queue: 'SUP', summary: 's' });
      expect([first.status, first.headers['retry-after']]).toEqual([429, '7']);
      expect([second.status, second.headers['retry-after']]).toEqual([429, undefined]);
      expect(third.status).toBe(201);
      expect(tracker.issues.size).toBe(1);
    });

    it('answers 5xx for a counted number of matching requests only', async () => {
      tracker.failNext('POST /v2/issues/*/comments', { status: 503 }, 2);
      await api.post('/v2/issues/', { queue: 'SUP', summary: 's' });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await api.post('/v2/issues/SUP-1/comments', { text: 't' })).status);
      expect(statuses).toEqual([503, 503, 201]);
      expect(tracker.requestsTo('POST', '/v2/issues/SUP-1/comments').map((r) => r.status)).toEqual([503, 503, 201]);
    });

    it('answers a non-JSON 200 body', async () => {
      tracker.failNext('GET /v2/issues/*', { status: 200, body: '<html>maintenance</html>' });
      const res = await api.get('/v2/issues/SUP-1', { responseType: 'text' });
      expect(res.status).toBe(200);
      expect(() => JSON.parse(res.data as string) as unknown).toThrow();
    });

    it('is slow before headers, so a client timeout cuts the request', async () => {
      tracker.failNext('POST /v2/issues/', { delayMs: 2_000 });
      const error = await api.post('/v2/issues/', { queue: 'SUP', summary: 's' }, { timeout: 100 }).catch((e: unknown) => e);
      expect(isAxiosError(error) && error.code).toBe('ECONNABORTED');
      await waitFor(() => tracker.requests[0]?.closedAfterMs !== undefined);
      expect(tracker.requests[0]).toMatchObject({ status: 0 });
      expect(tracker.requests[0]?.closedAfterMs).toBeLessThan(2_000);
      expect(tracker.issues.size).toBe(0);
    });

    it('answers normally after a delay the client waits out', async () => {
      tracker.failNext('*', { delayMs: 50 });
      const res = await api.post('/v2/issues/', { queue: 'SUP', summary: 's' }, { timeout: 5_000 });
      expect(res.status).toBe(201);
    });

    it('drops the connection without answering', async () => {
      tracker.failNext('POST /v2/issues/', { drop: true });
      const error = await api.post('/v2/issues/', { queue: 'SUP', summary: 's' }).catch((e: unknown) => e);
      expect(isAxiosError(error) && error.response).toBe(undefined);
      expect(isAxiosError(error) && error.code).toBe('ECONNRESET');
      expect(tracker.issues.size).toBe(0);
    });

    it('records every request with method, path, headers and parsed body', async () => {
      await api.post('/v2/issues/?fields=key', { queue: 'SUP', summary: 's' });
      expect(tracker.requests).toEqual([
        expect.objectContaining({ method: 'POST', path: '/v2/issues/', query: { fields: 'key' }, body: { queue: 'SUP', summary: 's' }, status: 201 }),
      ]);
      expect(tracker.requests[0]?.headers).toMatchObject({ authorization: `OAuth ${OAUTH}`, 'x-org-id': ORG });
    });
  });
});

function client(baseURL: string, headers: Record<string, string>): AxiosInstance {
  return axios.create({ baseURL, headers, validateStatus: () => true });
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise<void>((r) => setImmediate(r));
}
