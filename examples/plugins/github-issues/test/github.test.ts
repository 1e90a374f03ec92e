import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { ConnectorError } from 'replywatch/sdk';
import { createTestContext, FakeSink, MemoryStateStore, TestClock, type TestContext } from 'replywatch/testing';
import { githubIssues } from '../src/github.connector';
import { type GithubConfig } from '../src/github.config';
import { type Cursor } from '../src/github.cursor';
import { rateLimitWaitMs } from '../src/github.errors';
import { CURSOR_KEY, IssuePoller } from '../src/github.poller';
import { BOT, CUSTOMER, FakeGitHub, STAFF } from './fake-github';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MINUTE = 60_000;

describe('github-issues against a fake GitHub', () => {
  // The server's clock and the hub's clock are the same here, so waits can be checked exactly.
  let now = T0;
  const github = new FakeGitHub({ now: () => now });
  const contexts: Array<TestContext<GithubConfig>> = [];
  before(() => github.start());
  after(() => github.stop());
  beforeEach(async () => {
    now = T0;
    github.requests.length = 0;
    await github.reset();
  });
  afterEach(async () => {
    for (const t of contexts.splice(0)) await t.dispose();
  });

  /** A poller as the connector builds it, on a context of its own (pass `state` to restart). */
  function poller(settings: Record<string, unknown> = {}, state = new MemoryStateStore()) {
    const t = createTestContext(githubIssues, { config: { owner: 'acme', repo: 'widgets', apiUrl: github.url, ...settings }, clock: new TestClock({ start: now }), state });
    contexts.push(t);
    const sink = new FakeSink();
    const instance = new IssuePoller(t.context);
    return { t, state, sink, pass: () => instance.pass(sink, new AbortController().signal) };
  }

  test('an issue becomes a conversation whose first message is its title and body', async () => {
    github.addIssue({ title: 'Export fails', body: 'The CSV stops at 1000 rows.', at: now - MINUTE });
    const { sink, pass } = poller();
    await pass();
    assert.deepEqual(sink.accepted, [
      {
        conversation: { id: 'acme/widgets#1', title: 'Export fails' },
        id: 'issue-1',
        text: 'Export fails\n\nThe CSV stops at 1000 rows.',
        sentAt: new Date(now - MINUTE),
        // No role: whether customer-carla is staff is the hub's decision (rules.yaml, roster).
        author: { id: String(CUSTOMER.id), name: CUSTOMER.login },
      },
    ]);
  });

  test('pull requests and their comments are skipped; a bot is a bot, staff are left to the hub', async () => {
    const issue = github.addIssue({ title: 'Login loops' });
    const pr = github.addIssue({ title: 'Fix login loop', user: STAFF, pullRequest: true });
    github.addComment(pr.number, { body: 'Ready for review', user: STAFF });
    const bot = github.addComment(issue.number, { body: 'Thanks! A human will answer soon.', user: BOT });
    const staff = github.addComment(issue.number, { body: 'Looking into it', user: STAFF });
    const { sink, pass } = poller();
    await pass();
    assert.deepEqual(sink.acceptedIds, ['issue-1', `comment-${bot.id}`, `comment-${staff.id}`]);
    assert.deepEqual(
      sink.accepted.map((m) => m.author),
      [
        { id: String(CUSTOMER.id), name: CUSTOMER.login },
        { id: String(BOT.id), name: BOT.login, role: 'bot' },
        { id: String(STAFF.id), name: STAFF.login },
      ],
    );
  });

  test('a pass follows Link rel="next" across pages and stores the cursor after them', async () => {
    for (let i = 0; i < 3; i++) github.addIssue({ title: `Issue ${i + 1}`, at: now - (3 - i) * MINUTE });
    const { sink, state, pass } = poller({ pageSize: 2 });
    await pass();
    assert.deepEqual(sink.acceptedIds, ['issue-1', 'issue-2', 'issue-3']);
    const issueRequests = github.requests.filter((r) => r.path.endsWith('/issues'));
    assert.deepEqual(
      issueRequests.map((r) => `${r.status} page=${r.query.get('page') ?? 1} per_page=${r.query.get('per_page')}`),
      ['200 page=1 per_page=2', '200 page=2 per_page=2'],
    );
    const cursor = (await state.get<Cursor>(CURSOR_KEY))?.value;
    assert.deepEqual(cursor?.issues, { since: new Date(now - MINUTE).toISOString().replace('.000', ''), seen: [String(github.issues[2]?.id)] });
  });

  test('a 304 leaves the cursor as it was, and the next change is read', async () => {
    const issue = github.addIssue({ title: 'Webhooks arrive twice' });
    const { sink, state, pass } = poller();
    await pass();
    // The cursor moved to the issue's second: the next pass asks with a new `since` and keeps
    // that answer's ETag, as the page had room to spare and nothing in it was new.
    await pass();
    const stored = await state.get<Cursor>(CURSOR_KEY);
    github.requests.length = 0;
    assert.deepEqual(await pass(), { accepted: 0, unchanged: 2 });
    assert.deepEqual(github.requests.map((r) => r.status), [304, 304]);
    assert.equal((await state.get<Cursor>(CURSOR_KEY))?.version, stored?.version);

    now += MINUTE;
    const comment = github.addComment(issue.number, { body: 'Any news?' });
    await pass();
    assert.deepEqual(sink.acceptedIds, ['issue-1', `comment-${comment.id}`]);
    assert.deepEqual(github.requests.slice(2).map((r) => r.status), [200, 200]);
  });

  test('a used-up rate limit is RATE_LIMITED with the wait until x-ratelimit-reset', async () => {
    github.addIssue({ title: 'Slow dashboard' });
    github.exhaustRateLimit(now + 90_000);
    const { sink, pass } = poller();
    const error = await pass().catch((e: unknown) => e);
    assert.ok(ConnectorError.is(error), String(error));
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryAfterMs, 90_000);
    assert.deepEqual(sink.acceptedIds, []);
  });

  test('retry-after wins; a secondary limit without headers waits a minute; a plain 403 is no rate limit', () => {
    assert.equal(rateLimitWaitMs(429, { 'retry-after': '30' }, '', T0), 30_000);
    assert.equal(rateLimitWaitMs(403, { 'retry-after': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 600) }, '', T0), 5000);
    assert.equal(rateLimitWaitMs(403, {}, 'You have exceeded a secondary rate limit.', T0), 60_000);
    assert.equal(rateLimitWaitMs(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by personal access token', T0), undefined);
  });

  test('after a restart only what is new is handed over: edits are not messages, same-second items are not lost', async () => {
    const issue = github.addIssue({ title: 'Invoice PDF is blank' });
    const first = github.addComment(issue.number, { body: 'Still blank today' });
    const run1 = poller();
    await run1.pass();
    assert.deepEqual(run1.sink.acceptedIds, ['issue-1', `comment-${first.id}`]);

    // Same second as the cursor: only `seen` tells the new comment from the old ones.
    github.editComment(first.id, 'Still blank today (edited)');
    const second = github.addComment(issue.number, { body: 'Any update?' });
    const run2 = poller({}, run1.state);
    await run2.pass();
    assert.deepEqual(run2.sink.acceptedIds, [`comment-${second.id}`]);
  });

  test('the first start reads lookBack far: an older issue’s opening is not a message, its new comment is', async () => {
    const old = github.addIssue({ title: 'Old but active', at: now - 3 * 24 * 60 * MINUTE });
    const fresh = github.addComment(old.number, { body: 'This is back', at: now - 10 * MINUTE });
    const { sink, pass } = poller({ lookBack: '1h' });
    await pass();
    assert.deepEqual(sink.acceptedIds, [`comment-${fresh.id}`]);
    assert.deepEqual(sink.titles, [{ conversationId: 'acme/widgets#1', title: 'Old but active' }]);
  });

  test('verify() is down with the reason on a rejected token or an unknown repository', async () => {
    const check = async (settings: Record<string, unknown>) => {
      const { t } = poller(settings);
      return (await githubIssues.create(t.context)).verify();
    };
    assert.deepEqual(await check({}), { status: 'up', detail: 'acme/widgets is readable' });
    const rejected = await check({ token: 'ghp_wrong0123456789' });
    assert.equal(rejected.status, 'down');
    assert.match(rejected.detail ?? '', /GitHub rejected the token .*\(401\): Bad credentials/);
    const missing = await check({ repo: 'no-such-repo' });
    assert.equal(missing.status, 'down');
    assert.match(missing.detail ?? '', /not found .*\(404\)/);
  });

  test('the running connector reports health after each pass: degraded with the wait while rate-limited, then up', async () => {
    github.addIssue({ title: 'Cannot log in' });
    github.exhaustRateLimit(now + 90_000);
    // The kit's default clock advances by itself, so the hub's waits take ~1 ms of real time.
    const t = createTestContext(githubIssues, { config: { owner: 'acme', repo: 'widgets', apiUrl: github.url } });
    contexts.push(t);
    const sink = new FakeSink();
    const running = await (await githubIssues.create(t.context)).start?.(sink);
    try {
      await until(() => t.health.last?.status === 'degraded');
      assert.match(t.health.last?.detail ?? '', /^GitHub rate limit reached while reading acme\/widgets \(403\); waiting \d+ s$/);
      github.exhaustRateLimit(0);
      await until(() => t.health.last?.status === 'up');
      assert.deepEqual(sink.acceptedIds, ['issue-1']);
    } finally {
      await running?.stop();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
