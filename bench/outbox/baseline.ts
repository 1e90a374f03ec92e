import { Agent, request as httpRequest } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { type LatencySummary, summarize } from '../intake/stats';
import { endpointName } from './hub-config';

/** Requests sent first and not measured: connections, JIT, the peer's first verifications. */
const WARM_REQUESTS = 500;

export interface WireBaseline {
  concurrency: number;
  requests: number;
  perSecond: number;
  latencyMs: LatencySummary;
  /** Answers other than 204, and connection errors: the peer itself failing. */
  failures: number;
}

/**
 * What the wire alone allows: this process posts `requests` signed webhooks to the same peer,
 * spread over the same endpoints, `concurrency` at a time on keep-alive connections, with a
 * body the hub sent (so the same bytes are signed, sent and verified) and no database. Each
 * request signs afresh with its own webhook-id, as the hub does per attempt.
 */
export async function measureWire(peerUrl: string, secret: string, body: string, options: { requests: number; concurrency: number; endpoints: number; label: string }): Promise<WireBaseline> {
  const webhook = new Webhook(secret);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const base = new URL(peerUrl);
  const latencies = new Float64Array(options.requests + WARM_REQUESTS);
  let failures = 0;
  const post = (i: number) =>
    new Promise<void>((done) => {
      const id = `baseline_${options.label}_${i}`;
      const now = new Date();
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'replywatch-bench',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': webhook.sign(id, now, body),
      };
      const started = performance.now();
      const req = httpRequest({ host: base.hostname, port: base.port, path: `/hooks/${endpointName(i % options.endpoints)}`, method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.once('end', () => {
          latencies[i] = performance.now() - started;
          if (res.statusCode !== 204) failures++;
          done();
        });
      });
      req.once('error', () => {
        failures++;
        done();
      });
      req.end(body);
    });
  const closedLoop = async (from: number, to: number) => {
    let next = from;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < to) await post(next++);
      }),
    );
  };
  await closedLoop(0, WARM_REQUESTS);
  const start = performance.now();
  await closedLoop(WARM_REQUESTS, WARM_REQUESTS + options.requests);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { concurrency: options.concurrency, requests: options.requests, perSecond: options.requests / seconds, latencyMs: summarize(latencies.subarray(WARM_REQUESTS)), failures };
}
