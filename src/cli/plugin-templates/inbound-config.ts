import { type TemplateInput } from './names';

export function inboundConfig({ names }: TemplateInput): string {
  const { camel, pascal, id } = names;
  return `import { durationAtLeast, secret } from 'replywatch/sdk';
import { z } from 'zod';

/**
 * The connector's section in hub.yaml (\`connectors.${id}:\`). The hub validates it at start
 * with errors located in the file; values marked with secret() are redacted in its logs and
 * scrubbed from every error, and a bad one is never echoed.
 */
export const ${camel}ConfigSchema = z
  .object({
    /** The feed; each poll asks for \`<url>?after=<cursor>\`. */
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    /** Sent as \`Authorization: Bearer <token>\` when set. */
    token: secret(z.string().min(1)).optional(),
    /** How often to ask for new items (\`15s\`, \`1m\`); the hub polls on one replica at a time. */
    pollInterval: durationAtLeast(1000, '1s').default(15_000),
    /** Put before every conversation id, e.g. to keep the ids of two feeds apart. */
    conversationPrefix: z.string().default(''),
  })
  .strict();

export type ${pascal}Config = z.output<typeof ${camel}ConfigSchema>;
`;
}
