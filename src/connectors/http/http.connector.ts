import { Injectable, Logger } from '@nestjs/common';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { CONTRACT_VERSION, type ConnectorManifest, type Health, type InboundConnector, type Stoppable } from '../../plugins/contract/connector';
import { type AcceptResult, type MessageSink } from '../../plugins/contract/message';
import { parseJsonBody } from '../../core/http/read-body';
import { problem, ProblemException } from '../../plugins/contract/problem';
import { ReplywatchConnector } from '../../plugins/registry/connector.decorator';
import { httpConfigSchema, type HttpConfig } from './http.config';
import { parseIngestBody, toFieldErrors, toInboundMessage } from './http.mapper';
import { resolveIngestSecret } from './ingest-secret';

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

interface Running {
  config: HttpConfig;
  sink: MessageSink;
  verifier: Webhook;
}

export interface IngestResponse {
  replayed: boolean;
  results: Array<AcceptResult & { conversationId: string; messageId: string }>;
}

/**
 * Inbound channel `http`: senders POST normalized messages signed to the Standard Webhooks
 * scheme. Nothing is stored unless the signature, timestamp window and body are all valid.
 */
@Injectable()
@ReplywatchConnector()
export class HttpConnector implements InboundConnector<HttpConfig> {
  private readonly logger = new Logger('connector:http');
  private running: Running | undefined;
  private stopped = false;

  readonly manifest: ConnectorManifest<HttpConfig> = {
    id: 'http',
    contractVersion: CONTRACT_VERSION,
    direction: 'inbound',
    channel: 'http',
    displayName: 'HTTP API (signed)',
    configSchema: httpConfigSchema,
  };

  verify(config: HttpConfig): Promise<Health> {
    try {
      const resolved = resolveIngestSecret(config, { create: false });
      if (resolved || this.running) return Promise.resolve({ status: 'up' });
      return Promise.resolve({ status: 'degraded', detail: 'no signing secret yet; one is generated on start' });
    } catch (error) {
      return Promise.resolve({ status: 'down', detail: error instanceof Error ? error.message : String(error) });
    }
  }

  start(config: HttpConfig, sink: MessageSink): Promise<Stoppable> {
    const resolved = resolveIngestSecret(config, { create: true });
    if (!resolved) throw new Error('no HTTP ingest secret could be resolved');
    if (resolved.origin === 'generated') {
      this.logger.log(`generated an HTTP ingest secret in ${config.secretFile} (set HTTP_INGEST_SECRET to use your own)`);
    }
    this.running = { config, sink, verifier: new Webhook(resolved.secret) };
    return Promise.resolve({
      stop: () => {
        this.running = undefined;
        this.stopped = true;
        return Promise.resolve();
      },
    });
  }

  /** Verifies, validates and accepts one request; throws ProblemException on any fault. */
  async ingest(raw: Buffer, headers: Record<string, string | string[] | undefined>): Promise<IngestResponse> {
    const running = this.running;
    if (!running && this.stopped) throw new ProblemException(unavailable('the hub is shutting down; nothing was stored'), { 'Retry-After': '5' });
    if (!running) throw problem(404, 'Not Found', 'the http channel is not enabled on this hub');
    const signed = this.verifySignature(running.verifier, raw, headers);
    if (await running.sink.hasReceipt(signed.id)) return { replayed: true, results: [] };

    const body = parseJsonBody(raw);
    const parsed = parseIngestBody(body, running.config.maxTextLength, running.config.maxBatch);
    if (!parsed.success) {
      const errors = toFieldErrors(parsed.error);
      throw problem(422, 'Unprocessable Content', `${errors[0]?.pointer}: ${errors[0]?.detail}`, { errors });
    }
    const results = await Promise.all(
      parsed.data.map(async (item) => ({
        conversationId: item.conversation.id,
        messageId: item.message.id,
        ...(await running.sink.accept(toInboundMessage(item))),
      })),
    );
    await running.sink.recordReceipt(signed.id);
    return { replayed: false, results };
  }

  private verifySignature(verifier: Webhook, raw: Buffer, headers: Record<string, string | string[] | undefined>): { id: string } {
    const values: Record<string, string> = {};
    for (const name of SIGNATURE_HEADERS) {
      const value = headers[name];
      if (typeof value !== 'string' || value.length === 0) {
        throw problem(401, 'Unauthorized', `missing header ${name}`, { header: name });
      }
      values[name] = value;
    }
    try {
      // Parsing happens after, with our own located errors.
      verifier.verify(raw, values, { jsonParse: false });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      const header = /timestamp/i.test(error.message) ? 'webhook-timestamp' : 'webhook-signature';
      throw problem(401, 'Unauthorized', `${header}: ${signatureReason(error.message)}`, { header });
    }
    return { id: values['webhook-id'] as string };
  }
}

function signatureReason(libraryMessage: string): string {
  if (/too old/i.test(libraryMessage)) return 'older than the 5 minute window (resend with a fresh timestamp)';
  if (/too new/i.test(libraryMessage)) return 'more than 5 minutes in the future (check the sender clock)';
  if (/timestamp/i.test(libraryMessage)) return 'not a unix timestamp in seconds';
  return 'does not match the body (wrong secret, or the body changed after signing)';
}

function unavailable(detail: string) {
  return { type: 'about:blank', title: 'Service Unavailable', status: 503, detail };
}
