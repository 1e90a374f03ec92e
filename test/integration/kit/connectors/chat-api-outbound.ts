import { z } from 'zod';
import { ConnectorError, defineConnector, secret, type ConnectorDefinition, type ConnectorErrorCode, type Health } from '../../../../src/plugins/sdk';

/** Deliberate mistakes, one per variant, each of which the kit must catch. */
export interface OutboundFlaws {
  /** Maps 429 to TEMPORARY and forgets Retry-After. */
  rateLimitAsTemporary?: boolean;
  /** Never passes the signal to fetch. */
  ignoresAbort?: boolean;
  /** Sends no Idempotency-Key header. */
  dropsIdempotencyKey?: boolean;
  /** Quotes the request URL (which carries the token) in its error messages. */
  urlInErrors?: boolean;
  /** Throws plain Errors instead of ConnectorErrors. */
  plainErrors?: boolean;
  /** verify() throws when the token is rejected instead of reporting `down`. */
  verifyThrows?: boolean;
}

const configSchema = z.object({ baseUrl: z.url(), token: secret(z.string().min(8)) });
type ChatApiConfig = z.infer<typeof configSchema>;

/** A Telegram-like chat API: the token travels in the URL path, as it does with the Bot API. */
export function chatApiConnector(id: string, flaws: OutboundFlaws = {}): ConnectorDefinition<ChatApiConfig> {
  return defineConnector({
    manifest: { id, direction: 'outbound', displayName: 'Chat API (kit test)', configSchema, targetSchema: z.object({ room: z.string() }) },
    create(ctx) {
      const endpoint = (method: string): string => `${ctx.config.baseUrl}/bot${encodeURIComponent(ctx.config.token)}/${method}`;
      const failure = (code: ConnectorErrorCode, message: string, url: string, retryAfterMs?: number): Error => {
        const text = flaws.urlInErrors ? `${message} (POST ${url})` : message;
        if (flaws.plainErrors) return new Error(text);
        return new ConnectorError(code, text, retryAfterMs === undefined ? {} : { retryAfterMs });
      };
      return {
        async verify(): Promise<Health> {
          let response: Response;
          try {
            response = await fetch(endpoint('getMe'), { signal: AbortSignal.timeout(5000) });
            await response.arrayBuffer();
          } catch {
            return { status: 'down', detail: 'the chat API is unreachable' };
          }
          if (response.status === 401 || response.status === 403) {
            if (flaws.verifyThrows) throw new ConnectorError('AUTH_FAILED', 'the API token was rejected');
            return { status: 'down', detail: `the API token was rejected (${response.status})` };
          }
          return response.ok ? { status: 'up' } : { status: 'degraded', detail: `the chat API answered ${response.status}` };
        },

        async deliver(delivery, { signal }) {
          const url = endpoint('sendMessage');
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (!flaws.dropsIdempotencyKey) headers['idempotency-key'] = delivery.idempotencyKey;
          let response: Response;
          try {
            response = await fetch(url, {
              method: 'POST',
              headers,
              body: JSON.stringify({ room: delivery.target.room, text: delivery.payload.text }),
              ...(flaws.ignoresAbort ? {} : { signal }),
            });
          } catch (error) {
            throw new ConnectorError('TEMPORARY', signal.aborted ? 'the attempt was aborted' : 'the chat API is unreachable', { cause: error });
          }
          // Read the body either way (frees the connection), but never copy it into an error: it echoes the request.
          const body = (await response.json().catch(() => ({}))) as { message_id?: unknown };
          if (response.ok) return typeof body.message_id === 'string' ? { externalId: body.message_id } : {};
          const status = response.status;
          if (status === 429) {
            if (flaws.rateLimitAsTemporary) throw failure('TEMPORARY', 'the chat API is busy (429)', url);
            const seconds = Number(response.headers.get('retry-after') ?? '');
            throw failure('RATE_LIMITED', 'the chat API rate-limited the bot (429)', url, Number.isFinite(seconds) ? seconds * 1000 : undefined);
          }
          if (status === 401 || status === 403) throw failure('AUTH_FAILED', `the chat API rejected the token (${status})`, url);
          if (status === 404) throw failure('NOT_FOUND', `room ${String(delivery.target.room)} does not exist (404)`, url);
          if (status === 400 || status === 422) throw failure('INVALID_PAYLOAD', `the chat API refused the message (${status})`, url);
          if (status >= 500) throw failure('TEMPORARY', `the chat API failed (${status})`, url);
          throw failure('UNKNOWN', `unexpected answer ${status}`, url);
        },
      };
    },
  });
}
