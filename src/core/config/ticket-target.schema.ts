import { z } from 'zod';
import { durationSchema } from './duration';
import { targetDeliverySchema } from './delivery-policy.schema';

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'expected a name of letters, digits, - and _');
const priorityName = z.string().min(1);

/**
 * A helpdesk queue tickets go to (a Tracker queue, a Zendesk group): the connector that speaks
 * to it, its address, and how an inquiry's facts become the ticket's fields.
 */
export const ticketTargetSchema = z
  .object({
    name,
    /** Id of an enabled outbound connector in hub.yaml that takes ticket events (tracker, zendesk). */
    connector: z.string().min(1),
    /** Connector-specific address, e.g. `{ queue: SUPPORT }` or `{ groupId: 123 }`; checked by the connector. */
    to: z.record(z.string(), z.unknown()).default({}),
    /**
     * The ticket's priority, in the helpdesk's own words. The first that applies wins: the
     * customer's tier, then the policy, then the point that asked (a mark level or
     * `escalation`), then `default`.
     */
    priority: z
      .object({
        default: priorityName.optional(),
        tiers: z.record(z.string(), priorityName).default({}),
        policies: z.record(z.string(), priorityName).default({}),
        levels: z.record(z.string(), priorityName).default({}),
      })
      .strict()
      .prefault({}),
    /** Tags every ticket gets; the customer's tags from `customers:` are added. */
    tags: z.array(z.string().min(1)).default([]),
    /** Further fields passed to the helpdesk as they are (custom fields). */
    fields: z.record(z.string(), z.unknown()).default({}),
    /**
     * While a ticket is open and younger than this, a later inquiry in the same conversation
     * is added to it as a comment instead of opening a second ticket.
     */
    reuseOpenFor: durationSchema.default(7 * 24 * 3_600_000),
    /** A public answer by an agent in the helpdesk counts as the inquiry's first response. */
    agentRepliesAnswer: z.boolean().default(false),
    /** This target's own retry schedule, attempt budget and breaker, over its connector's. */
    delivery: targetDeliverySchema.optional(),
  })
  .strict();

export const ticketsSchema = z
  .object({
    targets: z.array(ticketTargetSchema).default([]),
  })
  .strict()
  .prefault({});

export type TicketTarget = z.output<typeof ticketTargetSchema>;
