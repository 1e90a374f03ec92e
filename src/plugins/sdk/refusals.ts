import { type ConnectorError } from './connector-error';
import { type HealthPart } from './services';

/**
 * What peers refused for good, per target, kept for health (since 2.9). A delivery the peer
 * refuses in a way no retry can fix (NOT_FOUND, INVALID_PAYLOAD: a required field missing, a
 * queue that is gone) becomes a dead letter; recording it here lets the connector's health
 * name the target and the peer's words on /health/ready until a later delivery to that target
 * gets through. Refused credentials are not kept: they are the account's health, not a target's.
 */
export class TargetRefusals {
  private readonly last = new Map<string, string>();

  constructor(private readonly partName = 'refused deliveries') {}

  /** After a failed attempt; true when the health changed. */
  failed(target: string, error: ConnectorError): boolean {
    if (error.retryable || error.code === 'AUTH_FAILED') return false;
    const before = this.last.get(target);
    this.last.set(target, error.message);
    return before !== error.message;
  }

  /** After a delivery to the target got through; true when the health changed. */
  delivered(target: string): boolean {
    return this.last.delete(target);
  }

  /** A `degraded` part naming each target and what its peer last refused; undefined when none. */
  part(): HealthPart | undefined {
    if (this.last.size === 0) return undefined;
    const detail = [...this.last].map(([target, message]) => `${target}: ${message}`).join('; ');
    return { name: this.partName, status: 'degraded', detail };
  }
}
