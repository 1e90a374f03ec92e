import { zendeskConnector } from '../../../src/connectors/zendesk/zendesk.connector';
import { type ZendeskConfig } from '../../../src/connectors/zendesk/zendesk.config';
import {
  type ConnectorInstance,
  type Delivery,
  type DeliveryPayload,
  type DeliveryResult,
  type TicketCommentPayload,
  type TicketCreatePayload,
  type TicketResolvePayload,
} from '../../../src/plugins/sdk';
import { createTestContext, MemoryStateStore, TestClock, type TestContext, type TestTicketService } from '../../../src/plugins/testing';
import { FakeZendesk, type FakeZendeskOptions } from '../../support/fake-zendesk';

export const START = Date.parse('2026-12-02T10:00:00Z');
export const EMAIL = 'hub@acme.test';
export const API_TOKEN = 'zd-api-token-9f8e7d6c5b4a';
export const OAUTH_TOKEN = 'zd-oauth-3c2b1a0f9e8d';
export const WEBHOOK_SECRET = 'dGhpcyBpcyBhIHNpZ25pbmcgc2VjcmV0';
export const GROUP = 123;
export const REF = 'tl_01JD8ZK3M4';
export const TARGET = { name: 'zendesk-support', groupId: GROUP };

export interface Setup {
  zendesk: FakeZendesk;
  clock: TestClock;
  test: TestContext<ZendeskConfig>;
  instance: ConnectorInstance;
  deliver(payload: DeliveryPayload, options?: { attempt?: number; target?: Record<string, unknown>; idempotencyKey?: string; signal?: AbortSignal }): Promise<DeliveryResult>;
  /** Every error deliver() threw, for the secrets check. */
  errors: unknown[];
}

export interface SetupOptions {
  peer?: Partial<FakeZendeskOptions>;
  /** The connector's section; `baseUrl` is added. */
  config?: Record<string, unknown>;
  tickets?: TestTicketService;
  state?: MemoryStateStore;
  /** The rules' ticket targets naming the connector (what verify() checks). */
  ticketTargets?: Array<{ name: string; to: Record<string, unknown> }>;
}

/** A fake Zendesk on the test clock and a zendesk connector pointed at it; stopped by `teardown`. */
export async function setUp(teardown: Array<() => Promise<void>>, options: SetupOptions = {}): Promise<Setup> {
  const clock = new TestClock({ start: START });
  const zendesk = new FakeZendesk({ subdomain: 'acme', email: EMAIL, apiToken: API_TOKEN, oauthToken: OAUTH_TOKEN, clock, groups: [GROUP, 456], brands: [7], webhookSecret: WEBHOOK_SECRET, ...options.peer });
  const baseUrl = await zendesk.start();
  teardown.push(() => zendesk.stop());
  const config = options.config ?? { subdomain: 'acme', email: EMAIL, apiToken: API_TOKEN };
  const test = createTestContext(zendeskConnector, {
    config: { ...config, baseUrl },
    clock,
    ...(options.tickets ? { tickets: options.tickets } : {}),
    ...(options.state ? { state: options.state } : {}),
    ...(options.ticketTargets ? { ticketTargets: options.ticketTargets } : {}),
  });
  teardown.push(() => test.dispose());
  const instance = await zendeskConnector.create(test.context);
  const errors: unknown[] = [];
  let seq = 0;
  return {
    zendesk,
    clock,
    test,
    instance,
    errors,
    deliver: async (payload, o = {}) => {
      const delivery: Delivery = { id: `d-${++seq}`, idempotencyKey: o.idempotencyKey ?? `key-${payload.event}`, target: (o.target ?? TARGET) as Delivery['target'], payload, attempt: o.attempt ?? 1 };
      try {
        return await instance.deliver!(delivery, { signal: o.signal ?? new AbortController().signal });
      } catch (error) {
        errors.push(error);
        throw error;
      }
    },
  };
}

const conversation = { channel: 'telegram', id: '-1001234567890:7', title: 'Acme Corp · support', openingMessageId: '4711', link: 'https://t.me/c/1234567890/7/4711' };
const base = { inquiryId: 'inq_01HZX3K8Q4', conversation, policy: 'standard', dueAt: '2026-12-02T10:00:00.000Z' };

export function createPayload(over: Partial<TicketCreatePayload> = {}): TicketCreatePayload {
  return {
    ...base,
    event: 'ticket.create',
    text: '⚠️ No answer in 60 min in “Acme Corp · support”',
    ticket: { ref: REF, id: null, key: null, url: null },
    summary: 'Acme Corp · support: no answer in 60 min',
    description: 'Ann Customer wrote at 09:00: "Our export fails since this morning."\nSLA standard, due 10:00.\nhttps://t.me/c/1234567890/7/4711',
    priority: 'high',
    tags: ['replywatch', 'SLA breach'],
    fields: { '360001': 'gold' },
    requester: { name: 'Ann Customer', id: '4242', email: 'ann@customer.test' },
    reason: 'breach',
    ...over,
  };
}

export function commentPayload(ticketId: string, text = '🔺 Escalated to L2 by policy step 1'): TicketCommentPayload {
  return { ...base, event: 'ticket.comment', text, ticket: { ref: REF, id: ticketId, key: `#${ticketId}`, url: null }, reason: 'escalation' };
}

export function resolvePayload(ticketId: string, by = 'telegram:@olga'): TicketResolvePayload {
  return { ...base, event: 'ticket.resolve', text: 'Resolved', ticket: { ref: REF, id: ticketId, key: `#${ticketId}`, url: null }, by };
}

/** What the test expects a rejected deliver() to carry. */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; retryAfterMs: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; message: string; retryAfterMs?: number };
    return { code: e.code, message: e.message, retryAfterMs: e.retryAfterMs };
  }
  throw new Error('expected deliver() to reject');
}
