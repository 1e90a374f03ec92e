import { type TemplateInput } from './names';

export function outboundConfig({ names }: TemplateInput): string {
  const { camel, pascal, id } = names;
  return `import { secret } from 'replywatch/sdk';
import { z } from 'zod';

/**
 * The connector's section in hub.yaml (\`connectors.${id}:\`). The hub validates it at start
 * with errors located in the file; values marked with secret() are redacted in its logs and
 * scrubbed from every error, and a bad one is never echoed.
 */
export const ${camel}ConfigSchema = z
  .object({
    /** The incoming-webhook URL. A secret: Slack, Discord and others put the credential in it. */
    url: secret(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })),
    /** Sent as \`Authorization: Bearer <token>\` when set. */
    token: secret(z.string().min(1)).optional(),
    /** One attempt gives up after this long; the hub tries again later. */
    timeoutMs: z.number().int().positive().max(60_000).default(10_000),
  })
  .strict();

export type ${pascal}Config = z.output<typeof ${camel}ConfigSchema>;

/** A duty target's \`to:\` in rules.yaml; checked at start and on every reload. */
export const ${camel}TargetSchema = z
  .object({
    /** Passed on to the chat service, for webhooks that can post to more than one channel. */
    channel: z.string().min(1).optional(),
  })
  .strict();
`;
}
