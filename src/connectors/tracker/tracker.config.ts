import { z } from 'zod';
import { durationAtLeast, secret } from 'replywatch/sdk';

/** A queue key as Tracker writes it: upper-case Latin letters and digits, starting with a letter. */
const QUEUE_KEY = /^[A-Z][A-Z0-9]*$/;

const pollSchema = z
  .object({
    /** How often open tickets are looked at in Tracker (once across replicas). */
    interval: durationAtLeast(10_000, '10s').default(120_000),
    /** How many open tickets one run looks at, least recently checked first. */
    batch: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const trackerConfigSchema = z
  .object({
    /** The API; change it only for a proxy or a test double. */
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.tracker.yandex.net'),
    /** An OAuth token (tokenType OAuth) or an IAM token (tokenType Bearer); prefer TRACKER_TOKEN. */
    token: secret(z.string().min(1, 'expected a Tracker OAuth or IAM token')),
    /** `OAuth` for an OAuth token, `Bearer` for a Yandex Cloud IAM token. */
    tokenType: z.enum(['OAuth', 'Bearer']).default('OAuth'),
    /** A Yandex 360 organization: sent as X-Org-ID. */
    orgId: z.string().regex(/^\d+$/, 'expected the numeric id of a Yandex 360 organization').optional(),
    /** A Yandex Cloud organization: sent as X-Cloud-Org-ID. */
    cloudOrgId: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected the id of a Yandex Cloud organization, e.g. bpf3crucp1v2xxxxxxxx').optional(),
    /** Where people open issues: links are `<webUrl>/<key>`. */
    webUrl: z.url({ protocol: /^https?$/ }).default('https://tracker.yandex.ru'),
    /** One request's limit; the request is aborted after it. */
    timeout: durationAtLeast(100, '100ms').default(10_000),
    /** The back-sync: how open tickets are watched for answers and resolution in Tracker. */
    poll: pollSchema.prefault({}),
    /** Status keys that mean the issue is done: the hub resolves the inquiries it carries. */
    resolvedStatuses: z.array(z.string().min(1)).min(1).default(['resolved', 'closed']),
  })
  .strict()
  .superRefine((config, ctx) => {
    if ((config.orgId === undefined) === (config.cloudOrgId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['orgId'], message: 'expected exactly one of orgId (Yandex 360, X-Org-ID) or cloudOrgId (Yandex Cloud, X-Cloud-Org-ID)' });
    }
  });

/** A Tracker ticket target's `to:` in the rules. */
export const trackerTargetSchema = z
  .object({
    /** The queue issues are created in, e.g. SUPPORT. */
    queue: z.string().regex(QUEUE_KEY, 'expected a queue key in capitals, e.g. SUPPORT'),
    /** The issue type's key (e.g. `task`, `bug`); default: the queue's. */
    type: z.string().min(1).optional(),
    /**
     * The transition executed on ticket.resolve (e.g. `resolve`, `close`); without it
     * ticket.resolve only comments and people close the issue in Tracker.
     */
    resolveTransition: z.string().min(1).optional(),
    /** The resolution the transition sets (e.g. `fixed`), when the workflow asks for one. */
    resolution: z.string().min(1).optional(),
  })
  .strict()
  .refine((to) => to.resolution === undefined || to.resolveTransition !== undefined, { message: 'resolution needs resolveTransition: it is set by that transition', path: ['resolution'] });

export type TrackerConfig = z.output<typeof trackerConfigSchema>;
export type TrackerTarget = z.output<typeof trackerTargetSchema>;
