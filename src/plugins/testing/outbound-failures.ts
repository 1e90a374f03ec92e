import { ConnectorError, type DeliveryResult } from '../sdk';
import { fail } from './kit-report';
import { type OutboundHarness } from './outbound-harness';
import { DEFAULT_EXPECT, DEFAULT_RESPONSES, DEFAULT_RETRY_AFTER_MS, FAILURE_CASES, type FailureCase, type OutboundCheck, type OutboundKitOptions } from './outbound-options';
import { errorTexts, findSecret } from './secret-scan';
import { describeError, settleWithin, type Settled } from './wait';

const CASE_DEADLINE_MS = 5000;
const RETRY_AFTER_TOLERANCE_MS = 1000;

type CaseOutcome = { check: OutboundCheck; status: number } & ({ settled: Settled<DeliveryResult> } | { setupError: unknown });

/** Every failure case played once, shared by its own check and the two that look across all. */
export type FailureCases = () => Promise<ReadonlyMap<FailureCase, CaseOutcome>>;

/**
 * Plays each failure answer that is not skipped against its own fresh instance, all at once
 * (they share nothing), the first time any check asks. The outcome never rejects: a case that
 * could not even be set up carries its error to its check.
 */
export function failureCaseRunner<C>(h: OutboundHarness<C>, options: OutboundKitOptions): FailureCases {
  let played: Promise<ReadonlyMap<FailureCase, CaseOutcome>> | undefined;
  const playOne = async (key: FailureCase, check: OutboundCheck): Promise<[FailureCase, CaseOutcome]> => {
    const response = options.responses?.[key] ?? DEFAULT_RESPONSES[key];
    try {
      const settled = await h.with(async (run) => {
        run.peer.answer(response);
        const controller = new AbortController();
        const outcome = await settleWithin(run.deliver(run.delivery(), controller.signal), CASE_DEADLINE_MS);
        controller.abort();
        return outcome;
      });
      return [key, { check, status: response.status, settled }];
    } catch (error) {
      return [key, { check, status: response.status, setupError: error }];
    }
  };
  return () => {
    played ??= Promise.all(FAILURE_CASES.filter(({ check }) => options.skip?.[check] === undefined).map(({ key, check }) => playOne(key, check))).then((entries) => new Map(entries));
    return played;
  };
}

export async function caseCheck(cases: FailureCases, key: FailureCase, options: OutboundKitOptions): Promise<string> {
  const outcome = (await cases()).get(key);
  if (!outcome) fail('the case was not played');
  if ('setupError' in outcome) throw outcome.setupError;
  const { settled, status } = outcome;
  const expected = options.expect?.[key] ?? DEFAULT_EXPECT[key];
  if (settled.state === 'pending') fail(`deliver() did not settle within ${CASE_DEADLINE_MS} ms against a ${status} answer`);
  if (settled.state === 'resolved') fail(`deliver() resolved although the peer answered ${status}; expected a ConnectorError ${expected}`);
  const error = settled.error;
  if (!ConnectorError.is(error)) fail(`deliver() rejected with ${describeError(error)}, not a ConnectorError; expected ${expected} for ${status}`);
  if (error.code !== expected) fail(`${status} was thrown as ${error.code}; expected ${expected}`);
  if (key !== 'rateLimited') return `${status} → ${error.code}`;
  const wanted = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  const got = typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined;
  if (got === undefined) fail(`${status} → ${error.code} without retryAfterMs; expected about ${wanted} ms from the peer's Retry-After`);
  if (Math.abs(got - wanted) > RETRY_AFTER_TOLERANCE_MS) fail(`retryAfterMs was ${got}; expected ${wanted} ± ${RETRY_AFTER_TOLERANCE_MS} from the peer's Retry-After`);
  return `${status} → ${error.code}, retryAfterMs ${got}`;
}

function rejections(outcomes: ReadonlyMap<FailureCase, CaseOutcome>): Array<{ check: OutboundCheck; error: unknown }> {
  const out: Array<{ check: OutboundCheck; error: unknown }> = [];
  for (const outcome of outcomes.values()) if ('settled' in outcome && outcome.settled.state === 'rejected') out.push({ check: outcome.check, error: outcome.settled.error });
  if (out.length === 0) fail('no failure case rejected, so there is no error to inspect (see the failure checks above)');
  return out;
}

/** The hub scrubs configured secrets too, but only the ones it knows; a leak is still a bug. */
export async function noSecretsInErrors(cases: FailureCases, secrets: ReadonlySet<string>): Promise<string> {
  const errors = rejections(await cases());
  const known = [...secrets];
  if (known.length === 0) return `${errors.length} error(s) inspected; the config has no secret() values to look for`;
  const leaks: string[] = [];
  for (const { check, error } of errors) {
    const places: string[] = [];
    const forms = new Set<string>();
    for (const { where, text } of errorTexts(error)) {
      const form = findSecret(text, known);
      if (!form) continue;
      places.push(where);
      forms.add(form);
    }
    if (places.length > 0) leaks.push(`${check}: a secret (${[...forms].join(', ')}) in the ${places.join(', ')}`);
  }
  if (leaks.length > 0) fail(leaks.join('; '));
  return `${errors.length} error(s): no secret in messages, causes or stacks`;
}

export async function onlyConnectorErrors(cases: FailureCases): Promise<string> {
  const errors = rejections(await cases());
  const foreign = errors.filter(({ error }) => !ConnectorError.is(error)).map(({ check, error }) => `${check} threw ${describeError(error)}`);
  if (foreign.length > 0) fail(`not ConnectorErrors (the hub would retry them as UNKNOWN): ${foreign.join('; ')}`);
  return `${errors.length} rejection(s), all ConnectorErrors`;
}
