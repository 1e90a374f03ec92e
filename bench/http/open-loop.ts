import { Agent, request as httpRequest } from 'node:http';
import { summarize } from '../intake/stats';
import { type Acknowledgements, type PhaseFigures } from './phase';
import { type SignedRequest, type SignedRequestFactory } from './signed-requests';

/** No answer within this counts as an error, not a latency sample. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Open loop: request i is due at start + i / rate whatever happened to earlier ones, each on
 * a keep-alive connection of its own while the others are busy (so the sender never waits for
 * the hub). Latency runs from the scheduled time: a hub that falls behind shows it as latency
 * instead of slowing the sender (no coordinated omission).
 */
export async function runOpenLoop(
  baseUrl: string,
  factory: SignedRequestFactory,
  acks: Acknowledgements,
  options: { name: string; ratePerSecond: number; seconds: number; messagesPerRequest: number },
): Promise<PhaseFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4096 });
  const url = new URL(`${baseUrl}/api/v1/messages`);
  const count = Math.max(1, Math.round(options.ratePerSecond * options.seconds));
  const interval = 1000 / options.ratePerSecond;
  const latencies = new Float64Array(count);
  const sendLag = new Float64Array(count);
  const answered = new Uint8Array(count);
  const refused: Record<string, number> = {};
  let acknowledged = 0;
  let messagesAcknowledged = 0;
  let errors = 0;
  let lastAnswer = 0;
  const start = performance.now();
  const due = (i: number) => start + i * interval;

  const send = (i: number, signed: SignedRequest) =>
    new Promise<void>((done) => {
      const req = httpRequest(url, { method: 'POST', agent, headers: { ...signed.headers, 'content-length': Buffer.byteLength(signed.body) }, timeout: ANSWER_TIMEOUT_MS }, (res) => {
        res.resume();
        res.once('end', () => {
          const now = performance.now();
          latencies[i] = now - due(i);
          answered[i] = 1;
          lastAnswer = Math.max(lastAnswer, now);
          if (res.statusCode === 200) {
            acknowledged++;
            messagesAcknowledged += signed.messageIds.length;
            acks.add(signed.messageIds);
          } else {
            refused[String(res.statusCode)] = (refused[String(res.statusCode)] ?? 0) + 1;
          }
          done();
        });
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', () => {
        errors++;
        done();
      });
      req.end(signed.body);
    });

  await new Promise<void>((allAnswered) => {
    let outstanding = count;
    const settled = () => {
      if (--outstanding === 0) allAnswered();
    };
    let next = 0;
    const tick = () => {
      while (next < count && due(next) <= performance.now()) {
        sendLag[next] = performance.now() - due(next);
        void send(next, factory.next(options.messagesPerRequest)).then(settled);
        next++;
      }
      if (next >= count) return;
      const wait = due(next) - performance.now();
      if (wait <= 0) setImmediate(tick);
      else setTimeout(tick, Math.max(1, Math.floor(wait)));
    };
    tick();
  });
  agent.destroy();

  const seconds = (lastAnswer - start) / 1000;
  return {
    name: options.name,
    messagesPerRequest: options.messagesPerRequest,
    load: { mode: 'open', offeredPerSecond: options.ratePerSecond, sendLagMs: summarize(sendLag) },
    seconds,
    acknowledged,
    messagesAcknowledged,
    messagesPerSecond: seconds > 0 ? messagesAcknowledged / seconds : 0,
    latencyMs: summarize(latencies.filter((_, i) => answered[i] === 1)),
    refused,
    errors,
  };
}
