import { z } from 'zod';
import { durationAtLeast, secret } from 'replywatch/sdk';
import { WEBHOOK_EVENT_TYPES } from './webhook-envelope';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, e.g. REPLYWATCH_WEBHOOK_SECRET');
/** A Standard Webhooks secret: `whsec_` and base64 (of 24 bytes or more). */
export const WHSEC = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

const whsec = z.string().regex(WHSEC, 'expected a Standard Webhooks secret: "whsec_" followed by base64 of 24 bytes or more');

const endpointSchema = z
  .object({
    /** The name duty targets use: `to: { endpoint: <name> }` in rules.yaml. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a short name of a-z, 0-9 and -'),
    /** Where events are posted; https, or http to a loopback host (a local relay, tests). */
    url: z.url({ protocol: /^https?$/ }),
    /** The signing secret (whsec_…); prefer secretEnv. */
    secret: secret(whsec).optional(),
    /** Environment variable holding the signing secret. */
    secretEnv: envName.optional(),
    /**
     * During a rotation: the variable holding the secret being retired. Both sign every
     * request (two signatures), so receivers can switch at their own pace.
     */
    previousSecretEnv: envName.optional(),
    /** Only these events are posted; default: every event its duty target is sent. */
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).optional(),
    /** One attempt's limit; the attempt is aborted after it. */
    timeout: durationAtLeast(100, '100ms').default(10_000),
  })
  .strict()
  .superRefine((endpoint, ctx) => {
    if ((endpoint.secret === undefined) === (endpoint.secretEnv === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of secret or secretEnv' });
    const url = new URL(endpoint.url);
    if (url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'plain http is allowed only to a loopback host; use https' });
    }
  });

export const webhookConfigSchema = z
  .object({
    endpoints: z
      .array(endpointSchema)
      .min(1, 'expected at least one endpoint')
      .superRefine((endpoints, ctx) => {
        const seen = new Set<string>();
        endpoints.forEach((e, i) => {
          if (seen.has(e.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${e.name}" is used by another endpoint` });
          seen.add(e.name);
        });
      }),
    /** A duty target (rules.yaml) told when an endpoint is disabled or its secret is missing. */
    alertTo: z.string().min(1).optional(),
    /** Most bytes of a receiver's answer read (for the error message); the rest is dropped. */
    maxResponseBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
  })
  .strict();

/** A webhook duty target's `to:` in rules.yaml. */
export const webhookTargetSchema = z.object({ endpoint: z.string().min(1, 'expected the name of an endpoint under connectors.webhook.endpoints') }).strict();

export type WebhookConfig = z.output<typeof webhookConfigSchema>;
export type WebhookEndpoint = WebhookConfig['endpoints'][number];
