/** Messages between the bench and the peer's worker thread (peer.ts ⇄ peer-worker.ts). */

export type PeerMode = 'healthy' | 'outage';

/** A webhook-id the peer answered 2xx, with its first such arrival. */
export interface PeerArrival {
  id: string;
  /** The endpoint's path, e.g. /hooks/ep-3. */
  path: string;
  /** Wall clock (ms) when the request's body was in, first 2xx answer. */
  at: number;
  /** Position among all first 2xx answers (arrival order, unambiguous at equal ms). */
  sequence: number;
  /** 2xx answers for this id: more than one is a duplicate a receiver has to drop. */
  okCount: number;
}

export interface PeerCounts {
  requests: number;
  /** Distinct webhook-ids answered 2xx. */
  accepted: number;
  /** 2xx answers for an id that had one already. */
  duplicates: number;
  /** Answered 503 (outage). */
  refused: number;
  /** Answered 401: the signature did not verify. */
  badSignatures: number;
}

export type PeerOp = { op: 'mode'; mode: PeerMode } | { op: 'counts' } | { op: 'take' } | { op: 'close' };
export type PeerRequest = PeerOp & { ticket: number };

export interface PeerReply {
  /** -1: the unsolicited "listening" message. */
  ticket: number;
  result: { port?: number; counts?: PeerCounts; arrivals?: PeerArrival[]; sample?: string };
}
