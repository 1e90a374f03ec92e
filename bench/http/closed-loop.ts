import autocannon from 'autocannon';
import { type Acknowledgements, type PhaseFigures } from './phase';
import { type SignedRequest, type SignedRequestFactory } from './signed-requests';

interface ConnectionContext {
  inFlight?: SignedRequest;
}

/**
 * autocannon, closed loop: `connections` keep-alive connections, each sending its next signed
 * request when the previous one is answered. Every request carries fresh ids and a fresh
 * signature; the ids of each 200 answer are recorded.
 */
export async function runClosedLoop(
  baseUrl: string,
  factory: SignedRequestFactory,
  acks: Acknowledgements,
  options: { name: string; connections: number; seconds: number; messagesPerRequest: number },
): Promise<PhaseFigures> {
  const refused: Record<string, number> = {};
  let acknowledged = 0;
  let messagesAcknowledged = 0;
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.seconds,
    // A slow answer is still an answer: the hub only answers after commit.
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const signed = factory.next(options.messagesPerRequest);
          (context as ConnectionContext).inFlight = signed;
          return { ...request, method: 'POST', path: '/api/v1/messages', body: signed.body, headers: signed.headers };
        },
        onResponse: (status, _body, context) => {
          const sent = (context as ConnectionContext).inFlight;
          if (status === 200 && sent) {
            acknowledged++;
            messagesAcknowledged += sent.messageIds.length;
            acks.add(sent.messageIds);
          } else {
            refused[String(status)] = (refused[String(status)] ?? 0) + 1;
          }
        },
      },
    ],
  });
  const seconds = result.duration;
  return {
    name: options.name,
    messagesPerRequest: options.messagesPerRequest,
    load: { mode: 'closed', connections: options.connections },
    seconds,
    acknowledged,
    messagesAcknowledged,
    messagesPerSecond: seconds > 0 ? messagesAcknowledged / seconds : 0,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    refused,
    errors: result.errors,
  };
}
