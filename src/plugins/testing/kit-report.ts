import { scrubSecrets } from '../sdk';
import { describeError, settleWithin } from './wait';

export type CheckOutcome = 'passed' | 'failed' | 'skipped';

export interface KitCheckResult {
  name: string;
  outcome: CheckOutcome;
  detail: string;
}

export interface KitReport {
  connector: string;
  checks: KitCheckResult[];
}

const MARK: Record<CheckOutcome, string> = { passed: '✓', failed: '✗', skipped: '○' };

/** A heading, then one line per check: `✓ name — detail`. */
export function formatKitReport(report: KitReport): string {
  const count = (outcome: CheckOutcome): number => report.checks.filter((c) => c.outcome === outcome).length;
  const heading = `connector ${report.connector}: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`;
  return [heading, ...report.checks.map((c) => `  ${MARK[c.outcome]} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`)].join('\n');
}

/** Throws an Error whose message is the formatted report when any check failed. */
export function assertKitPassed(report: KitReport): void {
  if (report.checks.some((c) => c.outcome === 'failed')) throw new Error(formatKitReport(report));
}

/** A check resolves with the detail of its pass and throws to fail. */
export type CheckBody = () => Promise<string>;

export interface RunPlan<N extends string> {
  connector: string;
  checks: ReadonlyArray<readonly [N, CheckBody]>;
  skip: Partial<Record<N, string>> | undefined;
  timeoutMs: number;
  /** Secrets found so far; every detail is scrubbed of them before it is reported. */
  secrets: ReadonlySet<string>;
}

/**
 * Runs the checks one after another, each on its own: a throw or a timeout becomes that
 * check's failure and the run goes on. A skip needs a written reason, because a silent skip
 * is how a contract quietly stops being tested.
 */
export async function runChecks<N extends string>(plan: RunPlan<N>): Promise<KitReport> {
  const checks: KitCheckResult[] = [];
  for (const [name, body] of plan.checks) {
    const result = await runOne(name, body, plan);
    checks.push({ ...result, detail: scrubSecrets(result.detail, [...plan.secrets]) });
  }
  return { connector: plan.connector, checks };
}

async function runOne<N extends string>(name: N, body: CheckBody, plan: RunPlan<N>): Promise<KitCheckResult> {
  const skip = plan.skip && Object.hasOwn(plan.skip, name) ? plan.skip[name] : undefined;
  if (skip !== undefined) {
    const reason = skip.trim();
    if (reason) return { name, outcome: 'skipped', detail: reason };
    return { name, outcome: 'failed', detail: 'skipped without a reason: write down why this check does not apply to the connector' };
  }
  let work: Promise<string>;
  try {
    work = body();
  } catch (error) {
    return { name, outcome: 'failed', detail: describeError(error) };
  }
  const settled = await settleWithin(work, plan.timeoutMs);
  switch (settled.state) {
    case 'resolved':
      return { name, outcome: 'passed', detail: settled.value };
    case 'rejected':
      return { name, outcome: 'failed', detail: settled.error instanceof CheckFailure ? settled.error.message : describeError(settled.error) };
    case 'pending':
      return { name, outcome: 'failed', detail: `the check did not finish within ${plan.timeoutMs} ms` };
  }
}

/** A failed expectation, reported by its message alone (an unexpected throw also names its type). */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

export function fail(message: string): never {
  throw new CheckFailure(message);
}
