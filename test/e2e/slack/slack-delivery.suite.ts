import { randomUUID } from 'node:crypto';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { FakeSlack } from '../../support/fake-slack';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { advanceBy } from '../../support/telegram-harness';

const TOKEN = 'xoxb-1111-2222-testtoken';
const DUTY = 'C0DUTY00001';
const NOT_IN = 'C0NOTIN0001';
const HOOKED = 'C0HOOK00001';

interface DeliveryRow {
  status: string;
  last_error: string | null;
  attempts: number;
  target: { name: string };
  payload: { event: string };
}

/** The Slack connector against a fake Slack that enforces its documented wire and limits. */
describe('Slack duty notifications', () => {
  const clock = new VirtualClock(new Date().toISOString());
  const slack = new FakeSlack(TOKEN, () => clock.now());
  let hub: TestHub;

  beforeAll(async () => {
    await slack.start();
    slack.channel(DUTY).channel(NOT_IN, { member: false }).channel(HOOKED);
    process.env.TEST_SLACK_HOOK = slack.hook('/services/T1/B1/secret1', HOOKED);
    hub = await startTestHub({
      clock,
      hub: {
        // Virtual minutes pass in this file: a 1 s poll keeps the passes (and the real time) few.
        // Virtual time: the loops wake on this hub's own writes; a short poll (meant for rows
        // other replicas write) would only add idle passes per simulated minute.
        outbox: { pollInterval: '10m', baseDelay: '1s', maxDelay: '30s' },
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          log: { enabled: true },
          slack: { token: TOKEN, apiUrl: `${slack.url}/api`, incomingWebhooks: [{ name: 'ops', urlEnv: 'TEST_SLACK_HOOK' }] },
        },
      },
      rules: {
        calendars: { always: { alwaysOpen: true } },
        policies: [
          {
            name: 'fast',
            target: '10m',
            calendar: 'always',
            marks: [
              { before: '5m', level: 'warning', emoji: '⚡', message: '5 minutes left — {title}', actions: [{ notify: ['slack-duty'] }] },
              { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title} {link}', runbook: 'Answer in the chat, then /resolve', actions: [{ notify: ['slack-duty'] }] },
            ],
          },
        ],
        duty: {
          targets: [
            { name: 'slack-duty', connector: 'slack', to: { channel: DUTY } },
            { name: 'slack-hook', connector: 'slack', to: { webhook: 'ops' } },
            { name: 'slack-outside', connector: 'slack', to: { channel: NOT_IN } },
          ],
        },
        notify: { inquiryOpened: ['slack-duty', 'slack-hook'], inquiryResolved: ['slack-outside'] },
      },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await slack.stop();
  });

  async function open(conversation: string, title?: string): Promise<void> {
    const body = ingestBody({ conversation, id: randomUUID(), sentAt: new Date(clock.now() - 1000).toISOString() });
    const response = await hub.post(title ? { ...body, conversation: { id: conversation, title } } : body);
    expect(response.status).toBe(200);
  }

  /** Waits for `check`, moving virtual time on a quarter second per step so retry waits pass. */
  async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await clock.advance(250);
    }
  }

  const cardsAbout = (conversation: string) => slack.posts.filter((p) => JSON.stringify(p.blocks).includes(`\`${conversation}\``));

  async function deliveries(target: string): Promise<DeliveryRow[]> {
    return hub.db.query<DeliveryRow>(`SELECT status, last_error, attempts, target, payload FROM deliveries WHERE target->>'name' = $1 ORDER BY created_at`, [target]);
  }

  it('posts a Block Kit card with fallback text to the bot’s channel and through the incoming webhook', async () => {
    await open('sl-1', 'Acme <!channel> help');
    await eventually(() => cardsAbout('sl-1').length === 2);
    const [bot, webhook] = [cardsAbout('sl-1').find((p) => p.via === 'bot'), cardsAbout('sl-1').find((p) => p.via === 'webhook')];
    expect(bot?.channel).toBe(DUTY);
    expect(webhook?.channel).toBe(HOOKED);
    expect(bot?.text).toContain('Acme <!channel> help');
    // In blocks, a customer's title cannot ping @channel.
    expect(JSON.stringify(bot?.blocks)).toContain('Acme &lt;!channel&gt; help');
    expect(JSON.stringify(bot?.blocks)).not.toContain('<!channel>');
  });

  const LINK = 'https://desk.example.com/tickets/sl-5?tab=chat&from=slack';
  // In mrkdwn the URL's & is escaped; Slack opens the URL as sent.
  const OPEN_LINK = '<https://desk.example.com/tickets/sl-5?tab=chat&amp;from=slack|Open conversation>';

  async function openLinked(conversation: string, link: string): Promise<void> {
    const body = ingestBody({ conversation, id: randomUUID(), sentAt: new Date(clock.now() - 1000).toISOString() });
    expect((await hub.post({ ...body, message: { ...body.message, link } })).status).toBe(200);
  }

  it('links the card and its fallback text to the conversation the sender named', async () => {
    await openLinked('sl-5', LINK);
    await eventually(() => cardsAbout('sl-5').length === 2);
    for (const card of cardsAbout('sl-5')) {
      expect(card.blocks[1]?.text?.text).toBe(`*${OPEN_LINK}*`);
      expect(card.text).toBe(`🆕 New inquiry — Acme support\n${OPEN_LINK}`);
    }
    // A card without a link has no link section.
    expect(JSON.stringify(cardsAbout('sl-1'))).not.toContain('Open conversation');
  });

  it('delivers the warning and the breach once each, with the runbook line and {link} where there is one', async () => {
    await open('sl-2');
    await eventually(() => cardsAbout('sl-2').length === 2);
    await advanceBy(clock, 11 * 60_000);
    await eventually(() => cardsAbout('sl-2').length === 4);
    await advanceBy(clock, 5 * 60_000);
    const texts = cardsAbout('sl-2').filter((p) => p.via === 'bot').map((p) => p.text);
    expect(texts.filter((t) => t.startsWith('⚡ 5 minutes left'))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('⚠️ SLA MISS'))).toHaveLength(1);
    const breach = cardsAbout('sl-2').find((p) => p.text.startsWith('⚠️ SLA MISS'));
    expect(JSON.stringify(breach?.blocks)).toContain('*Runbook:* Answer in the chat, then /resolve');
    expect(JSON.stringify(breach?.blocks)).toContain('Policy *fast*');
    // "SLA MISS — {title} {link}": without a link, nothing is left behind.
    expect(breach?.text).toBe('⚠️ SLA MISS — Acme support');
    // sl-5 (opened with a link by the test before) breached in the same minutes.
    const linked = cardsAbout('sl-5').find((p) => p.text.startsWith('⚠️ SLA MISS'));
    expect(linked?.text).toBe(`⚠️ SLA MISS — Acme support ${LINK}\n${OPEN_LINK}`);
    expect(linked?.blocks[1]?.text?.text).toBe(`*${OPEN_LINK}*`);
  });

  it('keeps to Slack’s per-channel pace through 429s: every card arrives once, in order', async () => {
    const before = slack.requests.filter((r) => r.status === 429).length;
    for (let i = 0; i < 5; i++) await open(`sl-burst-${i}`);
    await eventually(() => [0, 1, 2, 3, 4].every((i) => cardsAbout(`sl-burst-${i}`).some((p) => p.via === 'bot')));
    await advanceBy(clock, 10_000, 1000);
    const order = slack.postsTo(DUTY).flatMap((p) => [0, 1, 2, 3, 4].filter((i) => JSON.stringify(p.blocks).includes(`\`sl-burst-${i}\``)));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(slack.requests.filter((r) => r.status === 429).length).toBeGreaterThan(before);
  });

  it('rides out a Slack outage and delivers once', async () => {
    slack.failNext({ status: 500 }, { status: 503 }, { status: 502 });
    await open('sl-3');
    await eventually(() => cardsAbout('sl-3').length === 2);
    await advanceBy(clock, 60_000, 5000);
    expect(cardsAbout('sl-3')).toHaveLength(2);
  });

  it('dead-letters a channel the bot is not in, saying what to do', async () => {
    await open('sl-4');
    const [inquiry] = await hub.db.query<{ id: string }>(`SELECT i.id FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE c.external_id = 'sl-4'`);
    expect((await hub.command(`/api/v1/inquiries/${inquiry!.id}/resolve`)).status).toBe(200);
    await eventually(async () => (await deliveries('slack-outside')).some((d) => d.status === 'dead'));
    const [dead] = await deliveries('slack-outside');
    expect(dead?.attempts).toBe(1);
    expect(dead?.last_error).toMatch(/Slack cannot post there \(not_in_channel\): invite the bot to the channel/);
  });

  it('shows the bot as up on /health/ready', async () => {
    const ready = (await (await fetch(`${hub.url}/health/ready`)).json()) as { connectors: Record<string, { status: string; detail?: string }> };
    expect(ready.connectors.slack).toEqual({ status: 'up', detail: 'bot replywatch in Acme' });
  });
});
