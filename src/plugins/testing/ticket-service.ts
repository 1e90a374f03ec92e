import { type TicketLink, type TicketService } from '../sdk';

/** What a connector reported back about one ticket through `ctx.tickets`. */
export interface RecordedTicketEvent {
  ref: string;
  kind: 'closed' | 'answered' | 'checked';
  by?: string;
  at?: string;
  reason?: string;
}

/**
 * An in-memory `ctx.tickets`: the test seeds the links the hub would hold (as if the hub had
 * created them) and reads what the connector reported back. Closing a link empties its
 * waiting inquiries and takes it out of `open()`, as the hub does; `answered` answers only
 * when the test says the target counts agent replies.
 */
export class TestTicketService implements TicketService {
  readonly events: RecordedTicketEvent[] = [];
  private readonly links = new Map<string, TicketLink>();
  private readonly order: string[] = [];

  constructor(private readonly countsAgentReplies: (target: string) => boolean = () => true) {}

  /** Adds (or replaces) a link the hub holds; it starts at the front of `open()`. */
  link(link: TicketLink): void {
    if (!this.links.has(link.ref)) this.order.unshift(link.ref);
    this.links.set(link.ref, { ...link, waiting: [...link.waiting] });
  }

  get(ref: string): TicketLink | undefined {
    return this.links.get(ref);
  }

  open(options?: { limit?: number }): Promise<TicketLink[]> {
    const open = this.order.map((ref) => this.links.get(ref)).filter((l): l is TicketLink => l !== undefined);
    return Promise.resolve(open.slice(0, options?.limit ?? open.length));
  }

  find(ticketId: string): Promise<TicketLink | undefined> {
    return Promise.resolve([...this.links.values()].find((l) => l.id === ticketId));
  }

  checked(ref: string): Promise<void> {
    const at = this.order.indexOf(ref);
    if (at >= 0) this.order.push(...this.order.splice(at, 1));
    this.events.push({ ref, kind: 'checked' });
    return Promise.resolve();
  }

  closed(ref: string, input: { by: string; reason?: string }): Promise<number> {
    const link = this.links.get(ref);
    if (!link) return Promise.resolve(0);
    this.links.delete(ref);
    this.order.splice(this.order.indexOf(ref), 1);
    this.events.push({ ref, kind: 'closed', by: input.by, ...(input.reason ? { reason: input.reason } : {}) });
    return Promise.resolve(link.waiting.length);
  }

  answered(ref: string, input: { by: string; at: Date }): Promise<number> {
    const link = this.links.get(ref);
    if (!link || !this.countsAgentReplies(link.target)) return Promise.resolve(0);
    const answered = link.waiting.length;
    link.waiting = [];
    this.events.push({ ref, kind: 'answered', by: input.by, at: input.at.toISOString() });
    return Promise.resolve(answered);
  }
}
