import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { Webhook } from 'standardwebhooks';
import { type PeerArrival, type PeerCounts, type PeerMode, type PeerReply, type PeerRequest } from './peer-protocol';

/**
 * The receiving end of every webhook endpoint, in a worker thread of the bench process: its own
 * event loop, so the load the bench generates (intake requests, the baseline's client) does
 * not delay its answers, and arrival times are taken when the body is in. It answers like a
 * careful receiver: 401 for a signature that does not verify, 204 when healthy, 503 (no
 * Retry-After, as a proxy in front of a dead service answers) during an outage.
 */
const { secret } = workerData as { secret: string };
const verifier = new Webhook(secret);
const arrivals = new Map<string, PeerArrival>();
let mode: PeerMode = 'healthy';
/** Order of first 2xx answers across all endpoints: arrival times tie at 1 ms resolution. */
let okSequence = 0;
/** The last body answered 2xx: the baseline posts the same bytes. */
let sample: string | undefined;
const counts: PeerCounts = { requests: 0, accepted: 0, duplicates: 0, refused: 0, badSignatures: 0 };

const server = createServer((req, res) => void receive(req, res));
server.keepAliveTimeout = 60_000;

async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const at = Date.now();
  const body = Buffer.concat(chunks).toString('utf8');
  counts.requests++;
  const id = String(req.headers['webhook-id'] ?? '');
  try {
    verifier.verify(body, {
      'webhook-id': id,
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    });
  } catch {
    counts.badSignatures++;
    res.writeHead(401).end('bad signature');
    return;
  }
  if (mode === 'outage') {
    counts.refused++;
    res.writeHead(503).end();
    return;
  }
  const seen = arrivals.get(id);
  if (seen) {
    seen.okCount++;
    counts.duplicates++;
  } else {
    arrivals.set(id, { id, path: req.url ?? '', at, sequence: okSequence++, okCount: 1 });
    counts.accepted++;
  }
  sample = body;
  res.writeHead(204).end();
}

parentPort?.on('message', (request: PeerRequest) => {
  const reply = (result: PeerReply['result']) => parentPort?.postMessage({ ticket: request.ticket, result } satisfies PeerReply);
  switch (request.op) {
    case 'mode':
      mode = request.mode;
      reply({ counts: { ...counts } });
      return;
    case 'counts':
      reply({ counts: { ...counts } });
      return;
    case 'take': {
      // Hands over everything recorded so far and starts afresh (one configuration's worth).
      const taken = [...arrivals.values()];
      arrivals.clear();
      const snapshot = { ...counts };
      Object.assign(counts, { requests: 0, accepted: 0, duplicates: 0, refused: 0, badSignatures: 0 });
      mode = 'healthy';
      reply({ counts: snapshot, arrivals: taken, ...(sample === undefined ? {} : { sample }) });
      return;
    }
    case 'close':
      server.closeAllConnections();
      server.close(() => reply({ counts: { ...counts } }));
      return;
  }
});

server.listen(0, '127.0.0.1', () => parentPort?.postMessage({ ticket: -1, result: { port: (server.address() as AddressInfo).port } }));
