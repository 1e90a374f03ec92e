import { type BreakerSettings, type ConnectorDeliveryOverrides, type TargetDeliveryOverrides } from '../config/delivery-policy.schema';
import { type OutboxSettings } from '../config/hub-config.schema';

/** How one duty target's deliveries are retried and guarded, after every override is applied. */
export interface DeliveryPolicy {
  retrySchedule: readonly number[];
  baseDelay?: number | undefined;
  maxDelay: number;
  maxAttempts: number;
  maxTotalAttempts: number;
  breaker: BreakerSettings;
  authPause: number;
}

/** Limits a connector's deliveries share across every replica on the database. */
export interface ConnectorLimits {
  connector: string;
  concurrency: number | undefined;
  ratePerSecond: number | undefined;
  burst: number;
}

type TargetPolicies = (connector: string, target: string) => TargetDeliveryOverrides | undefined;

/**
 * Resolves the delivery policy of a connector and duty target: the hub's outbox settings, then
 * the connector's `delivery:` in hub.yaml, then the target's `delivery:` in rules.yaml (read
 * at each use, so a rules reload takes effect on the next attempt).
 */
export class DeliveryPolicies {
  private readonly byConnector: ReadonlyMap<string, DeliveryPolicy>;
  readonly limits: readonly ConnectorLimits[];

  constructor(
    private readonly outbox: OutboxSettings,
    connectors: Readonly<Record<string, { delivery?: ConnectorDeliveryOverrides | undefined }>>,
    private readonly targetOverrides: TargetPolicies = () => undefined,
  ) {
    const base = basePolicy(outbox);
    const byConnector = new Map<string, DeliveryPolicy>();
    const limits: ConnectorLimits[] = [];
    for (const [id, section] of Object.entries(connectors)) {
      const delivery = section.delivery;
      if (!delivery) continue;
      byConnector.set(id, { ...applyOverrides(base, delivery), authPause: delivery.authPause ?? base.authPause });
      if (delivery.concurrency !== undefined || delivery.ratePerSecond !== undefined) {
        const rate = delivery.ratePerSecond;
        limits.push({ connector: id, concurrency: delivery.concurrency, ratePerSecond: rate, burst: delivery.burst ?? Math.max(1, Math.ceil(rate ?? 1)) });
      }
    }
    this.byConnector = byConnector;
    this.limits = limits;
  }

  policyFor(connector: string, target: string): DeliveryPolicy {
    const ofConnector = this.byConnector.get(connector) ?? basePolicy(this.outbox);
    const own = this.targetOverrides(connector, target);
    return own ? applyOverrides(ofConnector, own) : ofConnector;
  }
}

function basePolicy(outbox: OutboxSettings): DeliveryPolicy {
  return {
    retrySchedule: outbox.retrySchedule,
    baseDelay: outbox.baseDelay,
    maxDelay: outbox.maxDelay,
    maxAttempts: outbox.maxAttempts,
    maxTotalAttempts: outbox.maxTotalAttempts,
    breaker: outbox.breaker,
    authPause: outbox.authPause,
  };
}

function applyOverrides(policy: DeliveryPolicy, own: TargetDeliveryOverrides): DeliveryPolicy {
  // A schedule given here replaces inherited exponential backoff too: the nearer setting wins.
  const baseDelay = own.baseDelay ?? (own.retrySchedule ? undefined : policy.baseDelay);
  const breaker = { ...policy.breaker, ...definedOnly(own.breaker ?? {}) };
  if (breaker.maxOpenFor < breaker.openFor) breaker.maxOpenFor = breaker.openFor;
  return {
    retrySchedule: own.retrySchedule ?? policy.retrySchedule,
    baseDelay,
    maxDelay: own.maxDelay ?? policy.maxDelay,
    maxAttempts: own.maxAttempts ?? policy.maxAttempts,
    maxTotalAttempts: own.maxTotalAttempts ?? policy.maxTotalAttempts,
    breaker,
    authPause: policy.authPause,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
