import { createHash } from 'node:crypto';
import { type AcceptResult, ConnectorError, type EnvelopeOutcome, type EnvelopeReceipt, type InboundMessage, type MessageSink, problem, type RouteRequest } from 'replywatch/sdk';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { type HttpConfig } from './http.config';
import { ingestBodyParser, type IngestParse, toFieldErrors, toInboundMessage } from './http.mapper';

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
/** Standard Webhooks ids are short (`msg_` and a KSUID); far below what the receipts index holds. */
const MAX_WEBHOOK_ID = 256;

export interface IngestResponse {
  replayed: boolean;
  results: Array<AcceptResult & { conversationId: string; messageId: string }>;
}

/** What a started channel keeps between requests, so a request does no set-up work. */
export interface IngestContext {
  sink: MessageSink;
  verifier: Webhook;
  parse: (body: unknown) => IngestParse;
}

export function ingestContext(sink: MessageSink, config: HttpConfig, secret: string): IngestContext {
  return { sink, verifier: new Webhook(secret), parse: ingestBodyParser(config.maxTextLength, config.maxBatch) };
}

/** Verifies, validates and accepts one request; throws a problem (HttpProblem) on any fault. */
export async function ingestRequest(request: RouteRequest, { sink, verifier, parse }: IngestContext): Promise<IngestResponse> {
  const signed = verifySignature(verifier, request);
  const receipt: EnvelopeReceipt = { id: signed.id, fingerprint: createHash('sha256').update(request.rawBody).digest('base64url') };
  const parsed = parse(request.json());
  if (!parsed.success) {
    const errors = toFieldErrors(parsed.error);
    throw problem(422, 'Unprocessable Content', `${errors[0]?.pointer}: ${errors[0]?.detail}`, { errors });
  }
  // One request, one transaction, receipt included: a refused message stores none of its
  // neighbours, and a request that stored something is always known as done.
  const outcome = await acceptEnvelope(sink, receipt, parsed.data.map(toInboundMessage));
  if (outcome.status === 'replayed') return { replayed: true, results: [] };
  if (outcome.status === 'conflict') throw problem(409, 'Conflict', `webhook-id: ${outcome.detail}`, { header: 'webhook-id' });
  const results = parsed.data.map((item, i) => ({ conversationId: item.conversation.id, messageId: item.message.id, ...(outcome.results[i] as AcceptResult) }));
  return { replayed: false, results };
}

/** The hub's refusal as the HTTP answer a sender acts on: 422 do not resend, 503 resend later. */
async function acceptEnvelope(sink: MessageSink, receipt: EnvelopeReceipt, messages: InboundMessage[]): Promise<EnvelopeOutcome> {
  try {
    return await sink.acceptEnvelope(receipt, messages);
  } catch (error) {
    if (!ConnectorError.is(error)) throw error;
    if (error.code === 'INVALID_PAYLOAD') throw problem(422, 'Unprocessable Content', error.message);
    if (error.retryable) throw problem(503, 'Service Unavailable', `${error.message}, retry later`, {}, { 'Retry-After': String(Math.ceil((error.retryAfterMs ?? 5000) / 1000)) });
    throw error;
  }
}

function verifySignature(verifier: Webhook, request: RouteRequest): { id: string } {
  const values: Record<string, string> = {};
  for (const name of SIGNATURE_HEADERS) {
    const value = request.headers[name];
    if (typeof value !== 'string' || value.length === 0) throw problem(401, 'Unauthorized', `missing header ${name}`, { header: name });
    values[name] = value;
  }
  // Checked before anything is stored: the id is kept as the request's receipt.
  if ((values['webhook-id'] as string).length > MAX_WEBHOOK_ID) {
    throw problem(400, 'Bad Request', `webhook-id: longer than ${MAX_WEBHOOK_ID} characters`, { header: 'webhook-id' });
  }
  try {
    // Parsing happens after, with our own located errors.
    verifier.verify(request.rawBody, values, { jsonParse: false });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    const header = /timestamp/i.test(error.message) ? 'webhook-timestamp' : 'webhook-signature';
    throw problem(401, 'Unauthorized', `${header}: ${signatureReason(error.message)}`, { header });
  }
  return { id: values['webhook-id'] as string };
}

function signatureReason(libraryMessage: string): string {
  if (/too old/i.test(libraryMessage)) return 'older than the 5 minute window (resend with a fresh timestamp)';
  if (/too new/i.test(libraryMessage)) return 'more than 5 minutes in the future (check the sender clock)';
  if (/timestamp/i.test(libraryMessage)) return 'not a unix timestamp in seconds';
  return 'does not match the body (wrong secret, or the body changed after signing)';
}
