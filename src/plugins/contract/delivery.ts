/** One outbound action taken from the outbox and handed to an outbound connector. */
export interface Delivery {
  id: string;
  /** Same on every attempt and on replays: pass it to peers that deduplicate. */
  idempotencyKey: string;
  /** What the delivery is for, e.g. `notify`. */
  kind: string;
  /** Where it goes, as written in the rules (a duty chat, a channel, a URL name). */
  target: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** 1 on the first attempt. */
  attempt: number;
}

export interface DeliveryResult {
  /** An id the peer gave the result (message id, ticket key), kept for later updates. */
  externalId?: string;
}
