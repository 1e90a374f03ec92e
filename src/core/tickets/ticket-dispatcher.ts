import { type DeliverOptions, type Delivery, type DeliveryResult } from '../../plugins/sdk/delivery';
import { isTicketPayload } from '../../plugins/sdk/payloads';
import { type OutboundDispatcher } from '../outbox/outbound-dispatcher';
import { type TicketLinks } from './ticket-links';

/**
 * The outbox's dispatcher with ticket links around it: a ticket payload gets its ticket's id
 * just before the attempt, and what a create made is recorded before the attempt counts as
 * delivered (if that write fails, the retry finds the same ticket through its stable key).
 */
export class TicketAwareDispatcher implements OutboundDispatcher {
  constructor(
    private readonly inner: OutboundDispatcher,
    private readonly links: TicketLinks,
  ) {}

  async deliver(connectorId: string, delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult> {
    if (!isTicketPayload(delivery.payload)) return this.inner.deliver(connectorId, delivery, options);
    const payload = await this.links.complete(delivery.payload);
    const result = await this.inner.deliver(connectorId, { ...delivery, payload }, options);
    await this.links.created(payload, result);
    return result;
  }
}
