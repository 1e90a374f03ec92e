import axios, { type AxiosResponse } from 'axios';
import { defineConnector, type DeliveryResult, type Health } from 'replywatch/sdk';
import { answerError, redactor, transportError, type HookAnswer } from './mattermost.errors';
import { hookKey, mattermostConfigSchema, mattermostTargetSchema, serverBase, type MattermostConfig } from './mattermost.config';
import { toWebhookBody } from './mattermost.mapper';

const USER_AGENT = 'replywatch-plugin-mattermost-notify/0.1';
const VERIFY_TIMEOUT_MS = 5000;

/**
 * Duty notifications posted through a Mattermost incoming webhook. One deliver() is one POST:
 * no retries and no sleeps here, the hub's outbox decides from the ConnectorError code.
 */
export const mattermostNotify = defineConnector<MattermostConfig>({
  manifest: {
    id: 'mattermost-notify',
    direction: 'outbound',
    displayName: 'Mattermost (incoming webhook)',
    configSchema: mattermostConfigSchema,
    targetSchema: mattermostTargetSchema,
  },
  create(ctx) {
    const { config } = ctx;
    const host = new URL(config.webhookUrl).host;
    const redact = redactor(config.webhookUrl, hookKey(config.webhookUrl));
    // axios rather than fetch: it honours HTTP(S)_PROXY / NO_PROXY, which corporate networks need.
    const http = axios.create({
      headers: { 'user-agent': USER_AGENT },
      maxRedirects: 0,
      maxContentLength: 1_000_000,
      // Every status comes back as a response; answerError() decides what it means.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    });

    return {
      async deliver(delivery, { signal }): Promise<DeliveryResult> {
        let response: AxiosResponse<unknown>;
        try {
          response = await http.post(config.webhookUrl, JSON.stringify(toWebhookBody(delivery, config)), {
            signal,
            timeout: config.timeoutMs,
            headers: {
              'content-type': 'application/json',
              // Mattermost does not deduplicate on it (see README); proxies and logs can correlate.
              'idempotency-key': delivery.idempotencyKey,
            },
          });
        } catch (error) {
          // Never wrap the axios error as `cause`: it carries the request config, hook URL included.
          throw transportError(axios.isAxiosError(error) ? error.code : undefined, signal.aborted, host, config.timeoutMs);
        }
        // Mattermost answers `200 ok` (text/plain) and gives no post id to keep.
        if (response.status >= 200 && response.status < 300) return {};
        throw answerError(toAnswer(response), redact);
      },

      async verify(): Promise<Health> {
        // Posting would show a message to people, so only the server is checked: the ping needs no
        // credentials. Whether the hook itself exists shows with the first delivery.
        let response: AxiosResponse<unknown>;
        try {
          response = await http.get(`${serverBase(config.webhookUrl)}/api/v4/system/ping`, { timeout: VERIFY_TIMEOUT_MS });
        } catch (error) {
          const failure = transportError(axios.isAxiosError(error) ? error.code : undefined, false, host, VERIFY_TIMEOUT_MS);
          return { status: 'down', detail: failure.message };
        }
        return pingHealth(response.status, typeof response.data === 'string' ? response.data : '', host);
      },
    };
  },
});

/** Reads `GET /api/v4/system/ping`: `200 {"status":"OK"}` when healthy, 500 when not. */
export function pingHealth(status: number, body: string, host: string): Health {
  if (status === 401 || status === 403) return { status: 'down', detail: `Mattermost at ${host} refused the health check (${status}); a proxy in front of it may require credentials` };
  if (status === 404) return { status: 'down', detail: `no Mattermost API at ${host} (404); check webhookUrl` };
  if (status >= 500) return { status: 'degraded', detail: `Mattermost at ${host} reports a problem (${status})` };
  if (status !== 200) return { status: 'degraded', detail: `unexpected answer from Mattermost at ${host} (${status})` };
  let reported: unknown;
  try {
    reported = (JSON.parse(body) as { status?: unknown }).status;
  } catch {
    reported = undefined;
  }
  if (reported !== 'OK') return { status: 'degraded', detail: `Mattermost at ${host} answered the ping without status OK` };
  return { status: 'up', detail: `Mattermost at ${host} is reachable; the hook itself is checked by each delivery` };
}

function toAnswer(response: AxiosResponse<unknown>): HookAnswer {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number') headers[name.toLowerCase()] = String(value);
  }
  return { status: response.status, headers, body: typeof response.data === 'string' ? response.data : '' };
}
