import { createServer, type Server, type Socket, connect } from 'node:net';

export type ProxyMode = 'pass' | 'cut' | 'stall';

/**
 * A TCP proxy in front of a real server (PostgreSQL) that can cut every connection (and
 * refuse new ones) or stall them (bytes held, connections left open, as a dead network path
 * looks), then heal. Faults the database client cannot tell from the real thing.
 */
export class TcpProxy {
  private server: Server | undefined;
  private mode: ProxyMode = 'pass';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  set(mode: ProxyMode): void {
    this.mode = mode;
    for (const pair of this.pairs) {
      if (mode === 'cut') {
        pair.client.destroy();
        pair.upstream.destroy();
      } else if (mode === 'stall') {
        hold(pair);
      } else {
        flow(pair);
      }
    }
  }

  /** Holds the bytes of every open connection (a half-open path) while new ones pass. */
  stallOpenConnections(): void {
    for (const pair of this.pairs) hold(pair);
  }

  async stop(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'cut') return void client.destroy();
    const upstream = connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (this.mode === 'stall') hold(pair);
    else flow(pair);
  }
}

/** Bytes stop moving both ways; they wait in the sockets' buffers. */
function hold(pair: { client: Socket; upstream: Socket }): void {
  pair.client.unpipe(pair.upstream);
  pair.upstream.unpipe(pair.client);
  pair.client.pause();
  pair.upstream.pause();
}

function flow(pair: { client: Socket; upstream: Socket }): void {
  pair.client.unpipe(pair.upstream);
  pair.upstream.unpipe(pair.client);
  pair.client.pipe(pair.upstream);
  pair.upstream.pipe(pair.client);
}
