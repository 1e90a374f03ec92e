import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Watches request arrivals so that a stopping hub can keep its listener open until senders
 * have gone quiet. Closing the listener while connections wait in the kernel's accept queue
 * resets them (the sender cannot tell whether anything was stored); kept open, each of them
 * is answered: 503 with Retry-After once intake has closed.
 */
export class RequestQuiesce {
  private lastArrival = 0;
  private draining = false;
  private readonly active = new Set<ServerResponse>();

  attach(server: Server): void {
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.lastArrival = performance.now();
      this.active.add(response);
      if (this.draining) closeAfter(response);
      response.once('close', () => this.active.delete(response));
    });
  }

  /**
   * From now on every answer closes its connection. A keep-alive connection left idle would
   * be cut when the listener closes, possibly just as the sender wrote its next request on it.
   */
  drain(): void {
    this.draining = true;
    for (const response of this.active) closeAfter(response);
  }

  /**
   * Resolves once no request is being served and none arrived for `idleMs`, or after
   * `maxMs`. Real time on purpose: this waits on sockets, not on the hub's schedule.
   */
  async quiet(idleMs: number, maxMs: number): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline) {
      const idleFor = performance.now() - this.lastArrival;
      if (this.active.size === 0 && idleFor >= idleMs) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(idleMs - idleFor, 50))));
    }
  }
}

function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('connection', 'close');
}
