import { CLOUD_ORG, createPayload, delivery, IAM, OAUTH, ORG, setup, type Setup } from './tracker-harness';

/** ticket.create against the fake Tracker: what is sent, and that one ticket makes one issue. */
describe('Tracker connector: ticket.create', () => {
  let s: Setup;

  afterEach(() => s.stop());

  it('creates the issue with the payload and target fields, unique = ticket.ref, OAuth and X-Org-ID', async () => {
    s = await setup();
    const result = await s.deliver(delivery(createPayload('tl_1'), { to: { type: 'task' } }));

    const issue = s.tracker.issues.get('SUPPORT-1');
    expect(result).toEqual({ ticket: { id: issue?.id, key: 'SUPPORT-1', url: 'https://tracker.yandex.ru/SUPPORT-1' }, externalId: 'SUPPORT-1' });
    expect(issue?.description).toBe(createPayload('tl_1').description);
    expect(issue).toMatchObject({
      summary: 'Acme Corp: the export fails',
      tags: ['replywatch', 'acme'],
      priority: { key: 'critical' },
      type: { key: 'task' },
      unique: 'tl_1',
      components: ['billing'],
    });
    expect(typeof issue?.id).toBe('string');
    const [request] = s.tracker.requestsTo('POST', '/v2/issues/');
    expect(request?.headers.authorization).toBe(`OAuth ${OAUTH}`);
    expect(request?.headers['x-org-id']).toBe(ORG);
    expect(request?.headers['x-cloud-org-id']).toBeUndefined();
  });

  it('sends an IAM token as Bearer with X-Cloud-Org-ID, and links to webUrl', async () => {
    s = await setup({ orgId: CLOUD_ORG, config: { token: IAM, tokenType: 'Bearer', orgId: undefined, cloudOrgId: CLOUD_ORG, webUrl: 'https://tracker.example.org/' } });
    const result = await s.deliver(delivery(createPayload('tl_1')));

    expect(result.ticket?.url).toBe('https://tracker.example.org/SUPPORT-1');
    const [request] = s.tracker.requestsTo('POST', '/v2/issues/');
    expect(request?.headers.authorization).toBe(`Bearer ${IAM}`);
    expect(request?.headers['x-cloud-org-id']).toBe(CLOUD_ORG);
    expect(request?.headers['x-org-id']).toBeUndefined();
  });

  it('leaves priority out when the payload has none, and never lets fields override queue or unique', async () => {
    s = await setup();
    await s.deliver(delivery(createPayload('tl_1', { priority: null, fields: { queue: 'OPS', unique: 'other', followers: ['anna'] } })));

    const body = s.tracker.requestsTo('POST', '/v2/issues/')[0]?.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('priority');
    expect(body).toMatchObject({ queue: 'SUPPORT', unique: 'tl_1', followers: ['anna'] });
  });

  it('after a lost answer, the retry finds the issue through _search and creates nothing twice', async () => {
    s = await setup();
    s.tracker.failNext('POST /v2/issues/', { lose: true });
    const lost = await s.failure(delivery(createPayload('tl_1')));
    expect(lost.code).toBe('TEMPORARY');
    expect(s.tracker.issues.size).toBe(1);

    const retried = await s.deliver(delivery(createPayload('tl_1'), { attempt: 2 }));

    expect(retried).toMatchObject({ ticket: { key: 'SUPPORT-1', id: s.tracker.issues.get('SUPPORT-1')?.id }, externalId: 'SUPPORT-1' });
    expect(s.tracker.issues.size).toBe(1);
    expect(s.tracker.requestsTo('POST', '/v2/issues/').map((r) => r.status)).toEqual([201, 409]);
    expect(s.tracker.requestsTo('POST', '/v2/issues/_search')[0]?.body).toEqual({ filter: { unique: 'tl_1' } });
  });

  it('remembers the issue it made: a second create of the same ticket asks Tracker nothing', async () => {
    s = await setup();
    const first = await s.deliver(delivery(createPayload('tl_1')));
    const again = await s.deliver(delivery(createPayload('tl_1'), { attempt: 2 }));

    expect(again).toEqual(first);
    expect(s.tracker.requestsTo('POST', '/v2/issues/')).toHaveLength(1);
    expect(s.tracker.issues.size).toBe(1);
  });

  it('two tickets make two issues', async () => {
    s = await setup();
    await s.deliver(delivery(createPayload('tl_1')));
    await s.deliver(delivery(createPayload('tl_2'), { key: 'ticket:t2:create' }));
    expect([...s.tracker.issues.keys()]).toEqual(['SUPPORT-1', 'SUPPORT-2']);
  });

  it('a 409 whose issue search does not find (yet) is TEMPORARY, not a second issue', async () => {
    s = await setup();
    s.tracker.failNext('POST /v2/issues/', { status: 409 });
    const error = await s.failure(delivery(createPayload('tl_1')));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toMatch(/409/);
    expect(s.tracker.issues.size).toBe(0);
  });
});
