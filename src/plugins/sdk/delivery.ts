import { type DeliveryPayload } from './payloads';

/** A duty target as written in the rules: its name, plus the `to:` fields (already validated). */
export type DeliveryTarget = { name: string } & Record<string, unknown>;

/** One outbound action taken from the outbox and handed to an outbound connector. */
export interface Delivery<P extends DeliveryPayload = DeliveryPayload> {
  id: string;
  /** Same on every attempt and on replays: pass it to peers that deduplicate. */
  idempotencyKey: string;
  target: DeliveryTarget;
  payload: P;
  /** 1 on the first attempt; a replay starts counting again. */
  attempt: number;
}

export interface DeliverOptions {
  /**
   * Aborted when the hub gives up on this attempt (it took longer than `outbox.attemptTimeout`,
   * or the hub is shutting down). Pass it to the HTTP client; the attempt then counts as failed.
   */
  signal: AbortSignal;
}

export interface DeliveryResult {
  /** An id the peer gave the result (message id, ticket key), kept for later updates. */
  externalId?: string;
  /**
   * The ticket a `ticket.create` made or found (since 2.9): required there, so that comments,
   * the resolve and the back-sync can reach it. `key` and `url` when the helpdesk has them.
   */
  ticket?: { id: string; key?: string | null; url?: string | null };
}
