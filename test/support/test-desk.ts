import { z } from 'zod';
import { ConnectorError, type Delivery, defineConnector, definePlugin, type ReplywatchPlugin, type TicketService } from '../../src/plugins/sdk';

/**
 * A helpdesk connector for tests of the hub's ticket links: it keeps tickets in memory, answers
 * creates with an id of its own (and finds a ticket again by its ref, as a real one must), and
 * hands the test the `ctx.tickets` the hub gave it.
 */
export interface TestDesk {
  plugin: ReplywatchPlugin;
  /** Every attempt that succeeded, in order. */
  delivered: Delivery[];
  /** Tickets made, by the hub's ref. */
  tickets: Map<string, { id: string; comments: string[]; resolved: boolean }>;
  /** Fail the next N attempts with TEMPORARY (a peer outage). */
  failNext(count: number): void;
  /** `ctx.tickets` of the running connector. */
  service(): TicketService;
}

export function testDesk(id = 'desk'): TestDesk {
  const delivered: Delivery[] = [];
  const tickets = new Map<string, { id: string; comments: string[]; resolved: boolean }>();
  let failing = 0;
  let service: TicketService | undefined;
  const connector = defineConnector({
    manifest: { id, direction: 'outbound', configSchema: z.object({}).strict(), services: ['tickets'], targetSchema: z.object({ queue: z.string().min(1) }).strict() },
    create: (ctx) => {
      service = ctx.tickets;
      return {
        verify: () => Promise.resolve({ status: 'up' }),
        deliver: (delivery) => {
          if (failing > 0) {
            failing -= 1;
            return Promise.reject(new ConnectorError('TEMPORARY', 'desk is down'));
          }
          const payload = delivery.payload;
          if (payload.event === 'ticket.create') {
            const made = tickets.get(payload.ticket.ref) ?? { id: `D-${tickets.size + 1}`, comments: [], resolved: false };
            tickets.set(payload.ticket.ref, made);
            delivered.push(delivery);
            return Promise.resolve({ ticket: { id: made.id, key: made.id, url: `https://desk.example.test/${made.id}` } });
          }
          if (payload.event === 'ticket.comment' || payload.event === 'ticket.resolve') {
            const ticket = [...tickets.values()].find((t) => t.id === payload.ticket.id);
            if (!ticket) return Promise.reject(new ConnectorError('NOT_FOUND', `no ticket ${String(payload.ticket.id)}`));
            if (payload.event === 'ticket.comment') ticket.comments.push(payload.text);
            else ticket.resolved = true;
            delivered.push(delivery);
            return Promise.resolve({});
          }
          return Promise.reject(new ConnectorError('INVALID_PAYLOAD', `a desk target takes ticket events, not ${payload.event}`));
        },
      };
    },
  });
  return {
    plugin: definePlugin({ name: `test ${id}`, contractVersion: '2.9', connectors: [connector] }),
    delivered,
    tickets,
    failNext: (count) => {
      failing = count;
    },
    service: () => {
      if (!service) throw new Error('the desk connector was not created');
      return service;
    },
  };
}
