import { hubConfigSchema, outboxSchema } from '../config/hub-config.schema';
import { rulesSchema } from '../config/rules.schema';
import { DeliveryPolicies } from './delivery-policies';

describe('DeliveryPolicies', () => {
  const outbox = outboxSchema.parse({ maxAttempts: 8, baseDelay: '1s' });

  it('takes the hub’s outbox settings when nothing overrides them', () => {
    const policy = new DeliveryPolicies(outbox, {}).policyFor('slack', 'duty');
    expect(policy).toMatchObject({ maxAttempts: 8, baseDelay: 1000, breaker: { failures: 5, openFor: 30_000, maxOpenFor: 600_000 }, authPause: 600_000 });
  });

  it('applies the connector’s policy, then the target’s, the nearer one winning', () => {
    const connectors = { webhook: { delivery: { maxAttempts: 3, retrySchedule: [2000, 4000], breaker: { failures: 2 }, authPause: 60_000 } } };
    const targets = (connector: string, target: string) => (connector === 'webhook' && target === 'audit' ? { maxAttempts: 12, breaker: { openFor: 5000 } } : undefined);
    const policies = new DeliveryPolicies(outbox, connectors, targets);
    // A schedule given for the connector drops the hub's exponential backoff.
    expect(policies.policyFor('webhook', 'ops')).toMatchObject({ maxAttempts: 3, retrySchedule: [2000, 4000], baseDelay: undefined, breaker: { failures: 2, openFor: 30_000 }, authPause: 60_000 });
    expect(policies.policyFor('webhook', 'audit')).toMatchObject({ maxAttempts: 12, retrySchedule: [2000, 4000], breaker: { failures: 2, openFor: 5000 } });
    expect(policies.policyFor('slack', 'audit')).toMatchObject({ maxAttempts: 8 });
  });

  it('lists the connectors with shared limits; burst defaults to one second’s worth', () => {
    const policies = new DeliveryPolicies(outbox, { slack: { delivery: { ratePerSecond: 2.5 } }, webhook: { delivery: { concurrency: 8 } }, log: {} });
    expect(policies.limits).toEqual([
      { connector: 'slack', concurrency: undefined, ratePerSecond: 2.5, burst: 3 },
      { connector: 'webhook', concurrency: 8, ratePerSecond: undefined, burst: 1 },
    ]);
  });

  it('refuses policies that cannot work, naming the key', () => {
    const hub = hubConfigSchema.safeParse({ connectors: { slack: { delivery: { burst: 5 } } } });
    expect(hub.success).toBe(false);
    expect(hub.error?.issues[0]?.path).toEqual(['connectors', 'slack', 'delivery', 'burst']);
    const breaker = outboxSchema.safeParse({ breaker: { openFor: '10m', maxOpenFor: '1m' } });
    expect(breaker.error?.issues[0]?.path).toEqual(['breaker', 'maxOpenFor']);
    const rules = rulesSchema.safeParse({ version: 1, duty: { targets: [{ name: 'x', connector: 'log', delivery: { concurrency: 2 } }] } });
    expect(rules.success).toBe(false);
    expect(rules.error?.issues[0]?.path).toEqual(['duty', 'targets', 0, 'delivery']);
  });
});
