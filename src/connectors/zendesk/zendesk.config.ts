import { z } from 'zod';
import { durationAtLeast, secret } from 'replywatch/sdk';

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const ROUTE_PATH = /^\/[A-Za-z0-9/_.-]*$/;

const webhookSchema = z
  .object({
    /** The signing secret Zendesk shows for the webhook (Admin Center → Webhooks → Reveal secret). */
    secret: secret(z.string().min(8, 'expected the webhook signing secret Zendesk shows for the webhook')),
    /** Where the hub takes the webhook; Zendesk's webhook points at https://<hub><path>. */
    path: z.string().regex(ROUTE_PATH, 'expected a path such as /zendesk/webhook').default('/zendesk/webhook'),
    /** How far a delivery's timestamp may be from the hub's clock (±), against replays. */
    tolerance: durationAtLeast(1000, '1s').default(300_000),
  })
  .strict();

export const zendeskConfigSchema = z
  .object({
    /** `acme` for https://acme.zendesk.com (ZENDESK_SUBDOMAIN). Names the links to tickets too. */
    subdomain: z.string().regex(SUBDOMAIN, 'expected the subdomain of your Zendesk, e.g. acme for https://acme.zendesk.com').optional(),
    /** The API's address instead of https://<subdomain>.zendesk.com: a proxy or a test double. */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The agent the API token belongs to (ZENDESK_EMAIL); with apiToken. */
    email: z.email('expected the email address of the Zendesk agent the API token belongs to').optional(),
    /** An API token (ZENDESK_API_TOKEN): Admin Center → Apps and integrations → Zendesk API. */
    apiToken: secret(z.string().min(1)).optional(),
    /** An OAuth access token instead of email + apiToken (ZENDESK_OAUTH_TOKEN). */
    oauthToken: secret(z.string().min(1)).optional(),
    /** Back-sync: Zendesk's webhook tells the hub about solved tickets and agents' answers. */
    webhook: webhookSchema.optional(),
    /** One request's limit. */
    timeout: durationAtLeast(100, '100ms').default(15_000),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.subdomain === undefined && config.baseUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['subdomain'], message: 'expected subdomain (acme for https://acme.zendesk.com) or baseUrl' });
    }
    const basic = config.email !== undefined || config.apiToken !== undefined;
    if (basic && config.oauthToken !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['oauthToken'], message: 'expected one way to sign in: email with apiToken, or oauthToken, not both' });
    } else if (!basic && config.oauthToken === undefined) {
      ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'expected email with apiToken (an API token), or oauthToken' });
    } else if (basic && config.email === undefined) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'expected the email of the agent the apiToken belongs to' });
    } else if (basic && config.apiToken === undefined) {
      ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'expected the API token that goes with email' });
    }
  });

export type ZendeskConfig = z.output<typeof zendeskConfigSchema>;

const zendeskId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected a Zendesk id (digits)').transform(Number)]);

/** A zendesk ticket target's `to:` in the rules. */
export const zendeskTargetSchema = z
  .object({
    groupId: zendeskId.optional(),
    brandId: zendeskId.optional(),
    ticketFormId: zendeskId.optional(),
    type: z.enum(['problem', 'incident', 'question', 'task']).optional(),
    /** Custom ticket field id → value, for every ticket of this target. */
    customFields: z.record(z.string().regex(/^\d+$/, 'expected a custom field id (digits)'), z.unknown()).optional(),
    /** Comments on the ticket are public (the requester sees them); default internal notes. */
    commentsPublic: z.boolean().default(false),
  })
  .strict();

export type ZendeskTarget = z.output<typeof zendeskTargetSchema>;

/** Where the API is, and the https://<subdomain>.zendesk.com agents open tickets at. */
export function zendeskAddresses(config: ZendeskConfig): { api: string; agent: string } {
  const account = config.subdomain === undefined ? undefined : `https://${config.subdomain}.zendesk.com`;
  const api = (config.baseUrl ?? account ?? '').replace(/\/+$/, '');
  return { api, agent: account ?? api };
}

/** The Authorization header: Basic `{email}/token:{apiToken}` or Bearer. Never logged. */
export function authorization(config: ZendeskConfig): string {
  if (config.oauthToken !== undefined) return `Bearer ${config.oauthToken}`;
  return `Basic ${Buffer.from(`${config.email ?? ''}/token:${config.apiToken ?? ''}`).toString('base64')}`;
}

/** Every form a credential could take in a text, for scrubbing an error before it leaves. */
export function credentialForms(config: ZendeskConfig): string[] {
  const header = authorization(config);
  return [config.apiToken, config.oauthToken, config.webhook?.secret, header, header.replace(/^\w+ /, '')].filter((v): v is string => v !== undefined && v.length >= 4);
}
