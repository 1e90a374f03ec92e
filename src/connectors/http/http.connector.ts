import { defineConnector, type Health, type MessageSink, problem, type RouteRequest, type RouteResponse } from 'replywatch/sdk';
import { httpConfigSchema, type HttpConfig } from './http.config';
import { type IngestContext, ingestContext, type IngestResponse, ingestRequest } from './ingest';
import { resolveIngestSecret, withSecretFileResolved } from './ingest-secret';

/** Largest accepted request; batches bigger than this should be split by the sender. */
const BODY_LIMIT = 4 * 1024 * 1024;
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** JSON (or a `+json` type) in UTF-8, the only encoding JSON over HTTP may use (RFC 8259). */
function jsonContentTypeProblem(type: string): string | undefined {
  if (!JSON_TYPE.test(type)) return 'content-type must be application/json';
  const charset = CHARSET.exec(type)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return `content-type: charset ${charset} is not supported; send UTF-8`;
  return undefined;
}

/**
 * Inbound channel `http`: senders POST normalized messages to /api/v1/messages, signed to the
 * Standard Webhooks scheme. Nothing is stored unless the signature, timestamp window and body
 * are all valid, and the answer comes only after every message is committed.
 */
export const httpConnector = defineConnector<HttpConfig>({
  manifest: {
    id: 'http',
    direction: 'inbound',
    channel: 'http',
    displayName: 'HTTP API (signed)',
    configSchema: httpConfigSchema,
    enabledByDefault: true,
    environment: { HTTP_INGEST_SECRET: { key: 'secret' } },
    services: ['routes'],
  },
  create: ({ config: written, hub, logger, routes }) => {
    // A relative secretFile starts at hub.yaml's folder, like every path written there.
    const config = withSecretFileResolved(written, (file) => hub.resolvePath(file));
    let started: IngestContext | undefined;
    let stopped = false;
    const inFlight = new Set<Promise<unknown>>();

    routes.post(
      '/api/v1/messages',
      async (request: RouteRequest): Promise<RouteResponse> => {
        if (!started && stopped) throw problem(503, 'Service Unavailable', 'the hub is shutting down; nothing was stored', {}, { 'Retry-After': '5' });
        if (!started) throw problem(503, 'Service Unavailable', 'the http channel is starting; nothing was stored', {}, { 'Retry-After': '5' });
        const typeProblem = jsonContentTypeProblem(request.headers['content-type'] ?? '');
        if (typeProblem) throw problem(415, 'Unsupported Media Type', typeProblem, { header: 'content-type' });
        const work = ingestRequest(request, started);
        inFlight.add(work);
        try {
          const body: IngestResponse = await work;
          return { status: 200, body };
        } finally {
          inFlight.delete(work);
        }
      },
      { bodyLimit: BODY_LIMIT },
    );

    return {
      verify(): Promise<Health> {
        try {
          const resolved = resolveIngestSecret(config, hub.dataDir, { create: false });
          if (resolved || started) return Promise.resolve({ status: 'up' });
          return Promise.resolve({ status: 'degraded', detail: 'no signing secret yet; one is generated on start' });
        } catch (error) {
          return Promise.resolve({ status: 'down', detail: error instanceof Error ? error.message : String(error) });
        }
      },
      start(given: MessageSink) {
        const resolved = resolveIngestSecret(config, hub.dataDir, { create: true });
        if (!resolved) throw new Error('no HTTP ingest secret');
        if (resolved.origin === 'generated') logger.info(`generated an HTTP ingest secret in ${resolved.file} (set HTTP_INGEST_SECRET to use your own)`);
        // Read once per start: a new secret (in the environment or the file) takes a restart.
        started = ingestContext(given, config, resolved.secret);
        stopped = false;
        return Promise.resolve({
          stop: async () => {
            started = undefined;
            stopped = true;
            // Requests already past the signature check finish and get their answer.
            await Promise.allSettled([...inFlight]);
          },
        });
      },
    };
  },
});
