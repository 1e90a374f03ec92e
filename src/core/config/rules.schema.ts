import { z } from 'zod';
import { targetDeliverySchema } from './delivery-policy.schema';
import { calendarSchema } from '../sla/calendar.schema';
import { isCatchAll } from '../sla/policy-matcher';
import { reportsSchema } from '../reporting/report-schedule.schema';
import { policySchema } from '../sla/policy.schema';
import { knownNames } from './suggest';
import { ticketsSchema, type TicketTarget } from './ticket-target.schema';

export const STAFF_ROLES = ['admin', 'support', 'sales'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const channelName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a channel name such as telegram, email or http');

/**
 * How a staff member is recognized on one channel: by the author id the channel reports
 * (a Telegram user id, a sender id over HTTP), by an email address, or by a whole email domain.
 */
const identitySchema = z
  .object({
    channel: channelName,
    id: z.union([z.string().min(1), z.number().int()]).transform(String).optional(),
    email: z.email().transform((e) => e.toLowerCase()).optional(),
    domain: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a domain such as example.com')
      .transform((d) => d.toLowerCase())
      .optional(),
  })
  .strict()
  .superRefine((identity, ctx) => {
    const given = [identity.id, identity.email, identity.domain].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'expected exactly one of id, email or domain' });
  });

const staffMemberSchema = z
  .object({
    name: z.string().min(1),
    role: z.enum(STAFF_ROLES),
    identities: z.array(identitySchema).min(1, 'expected at least one identity'),
  })
  .strict();

const targetName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'expected a name of letters, digits, - and _');

/** A place the hub may speak: a duty chat, a log, a Slack channel. Never a customer chat. */
const dutyTargetSchema = z
  .object({
    name: targetName,
    /** Id of an enabled outbound connector in hub.yaml. */
    connector: z.string().min(1),
    /** Connector-specific address, e.g. `{ chatId: -100123 }`. */
    to: z.record(z.string(), z.unknown()).default({}),
    /** This target's own retry schedule, attempt budget and breaker, over its connector's. */
    delivery: targetDeliverySchema.optional(),
  })
  .strict();

export const rulesSchema = z
  .object({
    version: z.literal(1, 'expected version: 1'),
    /** Business calendars by name: working windows in a time zone, holidays, extra working days. */
    calendars: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'expected a name of letters, digits, - and _'), calendarSchema).default({}),
    /** Who the customers are: a tier and tags per conversation, for policies to match on. */
    customers: z
      .array(
        z
          .object({
            channel: z.string().min(1).optional(),
            conversations: z.array(z.union([z.string().min(1), z.number().int()]).transform(String)).min(1),
            tier: z.string().min(1).optional(),
            tags: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .default([]),
    /**
     * On a hot reload, open inquiries keep the policy they were opened under unless this is
     * set: then their policy, deadline and next mark are recomputed under the new rules.
     */
    recomputeOpenInquiriesOnReload: z.boolean().default(false),
    /** SLA policies, first match wins; the last one must match everything (the default). */
    policies: z.array(policySchema).default([]),
    staff: z.array(staffMemberSchema).default([]),
    duty: z
      .object({
        targets: z.array(dutyTargetSchema).default([]),
        /**
         * Storm guard: past this many alerts (SLA marks, opened/answered notices) within a
         * minute to one target, further alerts of that minute are gathered into one digest (an
         * outage must not flood the duty chat).
         */
        stormLimitPerMinute: z.number().int().min(1).max(1_000_000).default(20),
      })
      .strict()
      .prefault({}),
    /** Helpdesk queues that policies' `createTicket` actions open tickets in. */
    tickets: ticketsSchema,
    /** Scheduled CSV exports and SLA digests. */
    reports: reportsSchema,
    /** Which duty targets hear about inquiry lifecycle events (SLA marks come from policies). */
    notify: z
      .object({
        inquiryOpened: z.array(targetName).default([]),
        inquiryAnswered: z.array(targetName).default([]),
        /** Resolved by a command, the admin API or the channel (a closed forum topic). */
        inquiryResolved: z.array(targetName).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((rules, ctx) => {
    const names = new Set<string>();
    rules.duty.targets.forEach((target, i) => {
      if (names.has(target.name)) {
        ctx.addIssue({ code: 'custom', path: ['duty', 'targets', i, 'name'], message: 'another duty target has this name' });
      }
      names.add(target.name);
    });
    const ticketNames = new Set<string>();
    rules.tickets.targets.forEach((target, i) => {
      if (ticketNames.has(target.name)) ctx.addIssue({ code: 'custom', path: ['tickets', 'targets', i, 'name'], message: 'another ticket target has this name' });
      ticketNames.add(target.name);
    });
    checkPolicies(rules, names, ticketNames, ctx);
    for (const kind of ['exports', 'digests'] as const) {
      rules.reports[kind].forEach((job, i) => {
        job.sendTo.forEach((target, t) => {
          if (!names.has(target)) ctx.addIssue({ code: 'custom', path: ['reports', kind, i, 'sendTo', t], message: unknownTarget(target, names) });
        });
      });
    }
    for (const event of ['inquiryOpened', 'inquiryAnswered', 'inquiryResolved'] as const) {
      rules.notify[event].forEach((name, i) => {
        if (!names.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['notify', event, i], message: unknownTarget(name, names) });
        }
      });
    }
  });

type ParsedRules = {
  calendars: Record<string, unknown>;
  policies: Array<z.output<typeof policySchema>>;
};

/** Cross-references inside the runbook: calendars, duty targets, the default policy. */
function checkPolicies(rules: ParsedRules, targets: Set<string>, ticketTargets: Set<string>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  rules.policies.forEach((policy, i) => {
    if (seen.has(policy.name)) ctx.addIssue({ code: 'custom', path: ['policies', i, 'name'], message: 'another policy has this name' });
    seen.add(policy.name);
    if (!(policy.calendar in rules.calendars)) {
      ctx.addIssue({ code: 'custom', path: ['policies', i, 'calendar'], message: `unknown calendar; ${knownNames(policy.calendar, Object.keys(rules.calendars), 'calendars')}` });
    }
    const last = i === rules.policies.length - 1;
    if (isCatchAll(policy) && !last) ctx.addIssue({ code: 'custom', path: ['policies', i, 'match'], message: 'matches everything, so the policies after it can never apply; move it last' });
    if (!isCatchAll(policy) && last) ctx.addIssue({ code: 'custom', path: ['policies', i, 'match'], message: 'the last policy must match everything (the default); drop its match' });
    const actions = [
      ...policy.marks.flatMap((mark, m) => mark.actions.map((action, a) => ({ action, path: ['policies', i, 'marks', m, 'actions', a] }))),
      ...policy.escalation.flatMap((step, e) => step.actions.map((action, a) => ({ action, path: ['policies', i, 'escalation', e, 'actions', a] }))),
    ];
    for (const { action, path } of actions) {
      if ('createTicket' in action && !ticketTargets.has(action.createTicket.target)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'createTicket', 'target'], message: `unknown ticket target; ${knownNames(action.createTicket.target, [...ticketTargets], 'ticket targets under tickets.targets')}` });
      }
      if (!('notify' in action)) continue;
      action.notify.forEach((name, n) => {
        if (!targets.has(name)) ctx.addIssue({ code: 'custom', path: [...path, 'notify', n], message: unknownTarget(name, targets) });
      });
    }
  });
}

/**
 * Messages name no value (the location points at it, and the loader promises never to print
 * one); they list the names that exist instead, nearest first.
 */
function unknownTarget(name: string, targets: Set<string>): string {
  return `unknown duty target; ${knownNames(name, [...targets], 'duty targets')}`;
}

export type Rules = z.output<typeof rulesSchema>;
export type StaffMember = z.output<typeof staffMemberSchema>;
export type StaffIdentity = z.output<typeof identitySchema>;
export type DutyTarget = z.output<typeof dutyTargetSchema>;
export type { TicketTarget };
