import { slackConnector } from '../../../src/connectors/slack/slack.connector';
import { createTestContext, defaultPayload, MemoryStateStore, TestClock } from '../../../src/plugins/testing';
import { FakeSlack } from '../../support/fake-slack';

/** A delivery handed over again after the hub died between Slack's answer and the outbox's record. */
describe('Slack connector memory of what it posted', () => {
  const slack = new FakeSlack('xoxb-1-2-remember');

  beforeAll(async () => {
    await slack.start();
    slack.channel('C0DUTY00001');
    slack.minIntervalMs = 0;
  });

  afterAll(() => slack.stop());

  it('does not post the same delivery twice, also from a new instance on the same state', async () => {
    const clock = new TestClock({ autoAdvance: true });
    const state = new MemoryStateStore(clock);
    const config = { token: slack.token, apiUrl: `${slack.url}/api` };
    const delivery = { id: 'd1', idempotencyKey: 'inquiry:1:mark:0:duty', target: { name: 'duty', channel: 'C0DUTY00001' }, payload: defaultPayload(clock.now()), attempt: 1 };
    const first = createTestContext(slackConnector, { config, clock, state });
    const before = await (await slackConnector.create(first.context)).deliver?.(delivery, { signal: new AbortController().signal });
    // The hub restarts: a new instance, the same state store.
    const second = createTestContext(slackConnector, { config, clock, state });
    const again = await (await slackConnector.create(second.context)).deliver?.({ ...delivery, attempt: 2 }, { signal: new AbortController().signal });
    expect(again).toEqual(before);
    expect(slack.postsTo('C0DUTY00001')).toHaveLength(1);
    await first.dispose();
    await second.dispose();
  });
});
