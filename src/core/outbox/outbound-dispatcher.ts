import { type DeliverOptions, type Delivery, type DeliveryResult } from '../../plugins/sdk/delivery';

/**
 * How the outbox reaches outbound connectors without knowing any of them: the plugin host
 * implements it with the enabled connectors and their validated settings.
 */
export interface OutboundDispatcher {
  deliver(connectorId: string, delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult>;
}

export const OUTBOUND_DISPATCHER = Symbol('OutboundDispatcher');
