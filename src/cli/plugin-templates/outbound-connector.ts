import { type TemplateInput } from './names';

export function outboundConnector({ names }: TemplateInput): string {
  const { camel, pascal, id, title } = names;
  return `import axios, { type AxiosResponse } from 'axios';
import { defineConnector, type Delivery, type DeliveryResult, type Health } from 'replywatch/sdk';
import { ${camel}ConfigSchema, ${camel}TargetSchema, type ${pascal}Config } from './${id}.config';
import { errorForFailedRequest, errorForStatus } from './${id}-error.mapper';

/** What the webhook receives: the hub's ready-made line, and what links it to the inquiry. */
interface WebhookMessage {
  text: string;
  event: string;
  channel?: string;
  inquiryId?: string;
  conversation?: { channel: string; id: string; title: string | null };
}

/**
 * Posts every notification the rules send to a duty target of this connector (\`connector: ${id}\`)
 * to a chat's incoming webhook as JSON. One attempt per call: the hub's outbox retries.
 */
export const ${camel}Connector = defineConnector<${pascal}Config>({
  manifest: {
    id: '${id}',
    direction: 'outbound',
    displayName: '${title} webhook',
    configSchema: ${camel}ConfigSchema,
    targetSchema: ${camel}TargetSchema,
  },
  create({ config, clock }) {
    const where = \`the chat webhook at \${new URL(config.url).host}\`;
    // axios rather than fetch: it honours HTTP(S)_PROXY and NO_PROXY, as operators behind a proxy expect.
    const http = axios.create({
      timeout: config.timeoutMs,
      // Every status is an answer to map, not an exception to catch.
      validateStatus: () => true,
      // A redirect would carry the token to wherever it points.
      maxRedirects: 0,
      headers: config.token ? { authorization: \`Bearer \${config.token}\` } : {},
    });

    return {
      async verify(): Promise<Health> {
        // A GET posts nothing. Most webhooks answer it with 405: reachable, which is what this can tell.
        let status: number;
        try {
          status = (await http.get(config.url, { responseType: 'text' })).status;
        } catch {
          return { status: 'down', detail: \`\${where} is unreachable\` };
        }
        if (status === 401 || status === 403) return { status: 'down', detail: \`\${where} refused the credentials (\${status})\` };
        if (status === 404) return { status: 'down', detail: \`\${where} has no webhook at the configured URL (404)\` };
        if (status === 429 || status >= 500) return { status: 'degraded', detail: \`\${where} answered \${status}\` };
        return { status: 'up' };
      },

      async deliver(delivery, { signal }): Promise<DeliveryResult> {
        let response: AxiosResponse<unknown>;
        try {
          response = await http.post(config.url, messageFor(delivery), {
            signal,
            // The same on every attempt and replay: a webhook that deduplicates posts once.
            headers: { 'idempotency-key': delivery.idempotencyKey },
          });
        } catch (error) {
          throw errorForFailedRequest(error, where, config.timeoutMs, signal);
        }
        const failure = errorForStatus(response.status, headerOf(response, 'retry-after'), where, clock.now());
        if (failure) throw failure;
        return externalIdOf(response.data);
      },
    };
  },
});

function messageFor({ payload, target }: Delivery): WebhookMessage {
  const message: WebhookMessage = { text: payload.text, event: payload.event };
  if (typeof target.channel === 'string') message.channel = target.channel;
  if ('inquiryId' in payload && typeof payload.inquiryId === 'string') message.inquiryId = payload.inquiryId;
  if ('conversation' in payload && payload.conversation) {
    const { channel, id, title } = payload.conversation;
    message.conversation = { channel, id, title };
  }
  return message;
}

function headerOf(response: AxiosResponse<unknown>, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Keeps the id the chat service gave the message, when it answers with one. */
function externalIdOf(body: unknown): DeliveryResult {
  const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? { externalId: String(id) } : {};
}
`;
}
