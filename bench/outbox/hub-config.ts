import { outboxSchema } from '../../src/core/config/hub-config.schema';

export const WEBHOOK_SECRET_ENV = 'BENCH_WEBHOOK_SECRET';

export const endpointName = (i: number) => `ep-${i}`;
export const targetName = (i: number) => `hook-${i}`;

/**
 * The `outbox` section: the concurrency under test, and retries that come back within a
 * second so the outage phase measures the drain, not the default schedule's 5-minute second
 * wait. Attempt budgets at their maximum: a few seconds of 503 must not dead-letter anything.
 * The breaker is set short too where the build has one (builds before c140d66 do not): a
 * setting the strict schema would refuse is left out, and the notes say so, rather than the
 * hub failing to start.
 */
export function outboxSection(concurrency: number, pollInterval?: string): { section: Record<string, unknown>; notes: string[] } {
  const section: Record<string, unknown> = { concurrency, baseDelay: '200ms', maxDelay: '1s', maxAttempts: 100, maxTotalAttempts: 1000, ...(pollInterval === undefined ? {} : { pollInterval }) };
  const notes: string[] = [];
  const breaker = { openFor: '200ms', maxOpenFor: '1s' };
  if (outboxSchema.safeParse({ ...section, breaker }).success) section.breaker = breaker;
  else notes.push('this build has no outbox.breaker');
  const checked = outboxSchema.safeParse(section);
  if (!checked.success) throw new Error(`outbox settings ${JSON.stringify(section)} are not accepted by this build: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { section, notes };
}

/** hub.yaml of one replica: http intake for the load, K webhook endpoints on the peer. */
export function hubYaml(options: { port: number; databaseUrl: string; rulesFile: string; peerUrl: string; endpoints: number; outbox: Record<string, unknown> }): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: options.port },
    database: { url: options.databaseUrl },
    rulesFile: options.rulesFile,
    outbox: options.outbox,
    connectors: {
      http: { enabled: true },
      webhook: {
        endpoints: Array.from({ length: options.endpoints }, (_, i) => ({ name: endpointName(i), url: `${options.peerUrl}/hooks/${endpointName(i)}`, secretEnv: WEBHOOK_SECRET_ENV })),
      },
    },
  };
}

/**
 * rules.yaml: every opened inquiry notifies all K webhook targets. The storm guard is set to
 * its maximum, or it would gather all but 20 notifications a minute per target into digests
 * (by design: an outage must not flood a duty chat) and the bench would measure the digest.
 * A 60-minute policy: no SLA mark falls due during a run.
 */
export function rulesYaml(endpoints: number): Record<string, unknown> {
  const targets = Array.from({ length: endpoints }, (_, i) => ({ name: targetName(i), connector: 'webhook', to: { endpoint: endpointName(i) } }));
  return {
    version: 1,
    calendars: { always: { alwaysOpen: true } },
    duty: { targets, stormLimitPerMinute: 1_000_000 },
    notify: { inquiryOpened: targets.map((t) => t.name) },
    policies: [{ name: 'default', target: '60m', calendar: 'always', marks: [{ before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}' }] }],
  };
}
