import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type PeerArrival, type PeerCounts, type PeerMode, type PeerOp, type PeerReply, type PeerRequest } from './peer-protocol';

/** The local webhook receiver (peer-worker.ts), driven from the bench's thread. */
export class Peer {
  private ticket = 0;
  private readonly waiting = new Map<number, (result: PeerReply['result']) => void>();

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
  ) {
    worker.on('message', (reply: PeerReply) => {
      this.waiting.get(reply.ticket)?.(reply.result);
      this.waiting.delete(reply.ticket);
    });
  }

  /** Starts the worker; resolves once it listens on a loopback port. */
  static async start(secret: string): Promise<Peer> {
    const worker = new Worker(path.join(__dirname, 'peer-worker.js'), { workerData: { secret } });
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (reply: PeerReply) => (reply.result.port ? resolve(reply.result.port) : reject(new Error('the peer did not report its port'))));
    });
    return new Peer(worker, `http://127.0.0.1:${port}`);
  }

  setMode(mode: PeerMode): Promise<PeerCounts> {
    return this.ask({ op: 'mode', mode }).then((r) => r.counts as PeerCounts);
  }

  counts(): Promise<PeerCounts> {
    return this.ask({ op: 'counts' }).then((r) => r.counts as PeerCounts);
  }

  /** Everything received since the last take, and a fresh, healthy peer. */
  async take(): Promise<{ counts: PeerCounts; arrivals: PeerArrival[]; sample: string | undefined }> {
    const r = await this.ask({ op: 'take' });
    return { counts: r.counts as PeerCounts, arrivals: r.arrivals ?? [], sample: r.sample };
  }

  async close(): Promise<void> {
    await Promise.race([this.ask({ op: 'close' }), new Promise((resolve) => setTimeout(resolve, 5000))]);
    await this.worker.terminate();
  }

  private ask(op: PeerOp): Promise<PeerReply['result']> {
    const ticket = this.ticket++;
    return new Promise((resolve) => {
      this.waiting.set(ticket, resolve);
      this.worker.postMessage({ ...op, ticket } satisfies PeerRequest);
    });
  }
}
