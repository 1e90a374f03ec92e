/**
 * The outbox's own bookkeeping (claims, successes, released runs) commits without waiting for
 * the WAL flush: under load that wait was most of a claim's time. A database crash can then
 * forget the last fraction of a second of it, which only means a claim runs out or a delivery is
 * sent again with its idempotency key — what a hub crash means already. Customer messages and
 * inquiries always wait for the flush.
 */
export const ASYNC_COMMIT = `SET LOCAL synchronous_commit = off`;
