import { type IntakeView } from './hub-metrics';
import { type LatencySummary } from '../intake/stats';

/** What one load phase against the running hub produced. */
export interface PhaseFigures {
  name: string;
  messagesPerRequest: number;
  /** Closed loop: concurrent connections. Open loop: offered requests per second. */
  load: { mode: 'closed'; connections: number } | { mode: 'open'; offeredPerSecond: number; sendLagMs: LatencySummary };
  seconds: number;
  /** Requests answered 200. */
  acknowledged: number;
  /** Messages in those requests: each must be stored exactly once. */
  messagesAcknowledged: number;
  messagesPerSecond: number;
  /** Request latency; open loop: from the scheduled send, so falling behind counts. */
  latencyMs: LatencySummary;
  /** Answers other than 200, by status. */
  refused: Record<string, number>;
  /** Connection errors and timeouts (no HTTP answer). */
  errors: number;
  /** The hub's intake metrics over the phase (diagnostic). */
  intake?: IntakeView;
}

/** Where every phase records the message ids the hub acknowledged, for the stored-once check. */
export class Acknowledgements {
  readonly ids: string[] = [];

  add(messageIds: readonly string[]): void {
    for (const id of messageIds) this.ids.push(id);
  }
}
