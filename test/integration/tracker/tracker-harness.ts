import { trackerConnector } from '../../../src/connectors/tracker/tracker.connector';
import { type ConnectorError, type ConnectorInstance, type Delivery, type DeliveryPayload, type DeliveryResult, type TicketCreatePayload, type TicketLink } from '../../../src/plugins/sdk';
import { createTestContext, TestClock, TestTicketService, type TestContext } from '../../../src/plugins/testing';
import { FakeTracker, type TrackerUser } from '../../support/fake-tracker';
import { type TrackerConfig } from '../../../src/connectors/tracker/tracker.config';

export const ORG = '7654321';
export const CLOUD_ORG = 'bpf3crucp1v2abcdefgh';
export const OAUTH = 'y0_AgAAAAB-tracker-oauth-secret-7f3a';
export const IAM = 't1.9euelZqM-tracker-iam-secret-c41d';
export const ROBOT: TrackerUser = { id: '1130000000000001', display: 'Replywatch Robot' };
export const AGENT: TrackerUser = { id: '1130000000000777', display: 'Anna Agent' };
export const START = Date.parse('2026-12-02T10:00:00Z');
export const POLL_MS = 120_000;

export interface Setup {
  tracker: FakeTracker;
  clock: TestClock;
  tickets: TestTicketService;
  test: TestContext<TrackerConfig>;
  instance: ConnectorInstance;
  deliver(delivery: Delivery, signal?: AbortSignal): Promise<DeliveryResult>;
  /** The rejection of a delivery that must fail. */
  failure(delivery: Delivery, signal?: AbortSignal): Promise<ConnectorError>;
  /** Moves the clock to the next poll and waits (real time) until the run is over. */
  poll(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SetupOptions {
  /** Overrides of the connector's section. */
  config?: Record<string, unknown>;
  /** The org the fake accepts; default ORG. */
  orgId?: string;
  /** The rules' ticket targets naming the connector (what verify() checks). */
  ticketTargets?: Array<{ name: string; to: Record<string, unknown> }>;
}

/** A fake Tracker with queues SUPPORT, OPS (needs `product`, 422) and LEG (needs `contract`, 400), and a connector instance pointed at it. */
export async function setup(options: SetupOptions = {}): Promise<Setup> {
  const clock = new TestClock({ start: START });
  const tracker = new FakeTracker({ orgId: options.orgId ?? ORG, oauthTokens: [OAUTH], iamTokens: [IAM], now: () => clock.now(), robot: ROBOT });
  tracker.queue('SUPPORT').queue('OPS', { requiredFields: ['product'] }).queue('LEG', { requiredFields: ['contract'], requiredFieldStatus: 400 });
  await tracker.start();
  const tickets = new TestTicketService();
  const test = createTestContext(trackerConnector, { config: { baseUrl: tracker.url, token: OAUTH, orgId: ORG, ...options.config }, clock, tickets, ticketTargets: options.ticketTargets ?? [] });
  const instance = await trackerConnector.create(test.context);
  const deliver = (delivery: Delivery, signal = new AbortController().signal): Promise<DeliveryResult> => {
    if (!instance.deliver) throw new Error('no deliver()');
    return instance.deliver(delivery, { signal });
  };
  return {
    tracker,
    clock,
    tickets,
    test,
    instance,
    deliver,
    failure: async (delivery, signal) => {
      const outcome = await deliver(delivery, signal).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      if ('result' in outcome) throw new Error(`expected the delivery to fail, it returned ${JSON.stringify(outcome.result)}`);
      return outcome.error as ConnectorError;
    },
    poll: async (ms = POLL_MS) => {
      await clock.advance(ms);
      // The job sleeps again once its run is over.
      await waitFor(() => clock.pendingSleepers > 0, 5000, 'the poll run to finish');
    },
    stop: async () => {
      await instance.close?.();
      await test.dispose();
      await tracker.stop();
    },
  };
}

export function createPayload(ref: string, overrides: Partial<TicketCreatePayload> = {}): TicketCreatePayload {
  return {
    event: 'ticket.create',
    text: 'Acme Corp · support waits for an answer',
    inquiryId: 'inq_01',
    conversation: { channel: 'telegram', id: '-1001234567890', title: 'Acme Corp · support', link: 'https://t.me/c/1234567890/4711' },
    policy: 'standard',
    dueAt: '2026-12-02T11:00:00.000Z',
    ticket: { ref, id: null, key: null, url: null },
    summary: 'Acme Corp: the export fails',
    description: 'The customer wrote: the export fails since Monday.\nDue 11:00.\nhttps://t.me/c/1234567890/4711',
    priority: 'critical',
    tags: ['replywatch', 'acme'],
    fields: { components: ['billing'] },
    requester: { name: 'Ivan', id: '42', email: null },
    reason: 'escalation',
    ...overrides,
  };
}

export function ticketOf(result: DeliveryResult, ref: string): { ref: string; id: string; key: string | null; url: string | null } {
  if (!result.ticket) throw new Error('the result carries no ticket');
  return { ref, id: result.ticket.id, key: result.ticket.key ?? null, url: result.ticket.url ?? null };
}

export function delivery<P extends DeliveryPayload>(payload: P, options: { key?: string; attempt?: number; to?: Record<string, unknown> } = {}): Delivery<P> {
  return { id: `d-${options.key ?? 'one'}`, idempotencyKey: options.key ?? 'ticket:t1:create', target: { name: 'tracker-support', queue: 'SUPPORT', ...options.to }, payload, attempt: options.attempt ?? 1 };
}

/** A link as the hub would hold it after a create. */
export function linkOf(ref: string, result: DeliveryResult, createdAt = new Date(START).toISOString()): TicketLink {
  const ticket = ticketOf(result, ref);
  return { ref, target: 'tracker-support', id: ticket.id, key: ticket.key, url: ticket.url, conversation: { channel: 'telegram', id: `chat-${ref}`, title: null }, createdAt, waiting: [`inq-${ref}`] };
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
