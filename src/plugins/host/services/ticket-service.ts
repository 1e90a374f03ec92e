import { type TicketLink, type TicketService } from '../../sdk/services';
import { type TicketLinks } from '../../../core/tickets/ticket-links';

/** The most links one `open()` hands out: a poller walks them page by page through `checked`. */
const MAX_OPEN_PAGE = 500;

/** `ctx.tickets` for one connector: only the links of its own ticket targets. */
export class ConnectorTickets implements TicketService {
  constructor(
    private readonly connector: string,
    private readonly links: TicketLinks,
  ) {}

  open(options?: { limit?: number }): Promise<TicketLink[]> {
    const limit = Math.max(1, Math.min(MAX_OPEN_PAGE, Math.floor(options?.limit ?? 100)));
    return this.links.open(this.connector, limit);
  }

  find(ticketId: string): Promise<TicketLink | undefined> {
    return this.links.find(this.connector, String(ticketId));
  }

  checked(ref: string): Promise<void> {
    return this.links.checked(this.connector, ref);
  }

  closed(ref: string, input: { by: string; reason?: string }): Promise<number> {
    return this.links.closed(this.connector, ref, input);
  }

  answered(ref: string, input: { by: string; at: Date }): Promise<number> {
    return this.links.answered(this.connector, ref, input);
  }
}
