import { ConnectorError, performsDeliveries, type ConnectorDefinition } from '../sdk';
import { migrationProblems } from './kit-database';
import { runChecks, fail, type CheckBody, type KitReport } from './kit-report';
import { OutboundHarness } from './outbound-harness';
import { OUTBOUND_CHECKS, DEFAULT_RESPONSES, type OutboundCheck, type OutboundKitOptions } from './outbound-options';
import { caseCheck, failureCaseRunner, noSecretsInErrors, onlyConnectorErrors } from './outbound-failures';
import { findSecret } from './secret-scan';
import { attempt, describeError, pause, settleWithin, track, waitUntil } from './wait';

const CHECK_TIMEOUT_MS = 10_000;
const SETTLE_MS = 5000;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Runs the outbound contract against fresh instances of the connector and a fake peer. */
export async function checkOutboundConnector<C>(definition: ConnectorDefinition<C>, options: OutboundKitOptions): Promise<KitReport> {
  const h = new OutboundHarness(definition, options);
  const cases = failureCaseRunner(h, options);
  const success = options.responses?.success ?? DEFAULT_RESPONSES.success;

  const bodies: Record<OutboundCheck, CheckBody> = {
    manifest: () => manifestCheck(definition, options, h),

    'verify-rejected-credentials': () =>
      h.with(async ({ peer, instance }) => {
        // The API's own 401 answer, so the connector can read its reason as it would in production.
        peer.answer(options.responses?.unauthorized ?? DEFAULT_RESPONSES.unauthorized);
        const settled = await settleWithin(attempt(() => instance.verify()), SETTLE_MS);
        if (settled.state === 'pending') fail(`verify() did not settle within ${SETTLE_MS} ms`);
        if (settled.state === 'rejected') fail(`verify() threw (${describeError(settled.error)}) while the peer rejected the credentials: resolve to { status: 'down' } instead`);
        const health = settled.value as Partial<{ status: unknown; detail: unknown }> | undefined;
        if (health?.status !== 'down' && health?.status !== 'degraded') fail(`verify() reported ${JSON.stringify(health?.status)} although the peer answered 401 to everything; expected down or degraded`);
        const detail = typeof health.detail === 'string' ? health.detail : '';
        const leak = findSecret(detail, [...h.secrets]);
        if (leak) fail(`verify()'s detail contains a configured secret (${leak})`);
        return `verify() → ${health.status}${detail ? ` (${detail})` : ''}`;
      }),

    delivers: () =>
      h.with(async (run) => {
        run.peer.answer(success);
        const settled = await settleWithin(run.deliver(run.delivery(), new AbortController().signal), SETTLE_MS);
        if (settled.state === 'pending') fail(`deliver() did not settle within ${SETTLE_MS} ms against a ${success.status} answer`);
        if (settled.state === 'rejected') fail(`deliver() rejected against a ${success.status} answer: ${describeError(settled.error)}`);
        if (run.peer.requests.length === 0) fail('deliver() resolved without sending anything to the peer');
        const result: unknown = settled.value;
        if (typeof result !== 'object' || result === null) fail('deliver() must resolve to a DeliveryResult object ({} when the peer gives no id)');
        const externalId = (result as { externalId?: unknown }).externalId;
        if (externalId !== undefined && typeof externalId !== 'string') fail('DeliveryResult.externalId must be a string when present');
        return `${run.peer.requests.length} request(s) to the peer${externalId ? `, externalId ${JSON.stringify(externalId)}` : ''}`;
      }),

    'idempotency-key': async () => {
      const extract = options.idempotencyKey;
      if (!extract) {
        fail('no idempotencyKey extractor: pass options.idempotencyKey (where the key travels, e.g. (r) => r.headers["idempotency-key"]) or skip this check with the reason the peer cannot deduplicate');
      }
      return h.with(async (run) => {
        run.peer.answer(success);
        // A ticket is keyed by its link (the same for every delivery that could create it), anything else by the delivery.
        const keyName = run.delivery(1).payload.event === 'ticket.create' ? 'payload.ticket.ref' : 'delivery.idempotencyKey';
        let remembered = false;
        for (const attemptNo of [1, 2]) {
          const delivery = run.delivery(attemptNo);
          const before = run.peer.requests.length;
          const settled = await settleWithin(run.deliver(delivery, new AbortController().signal), SETTLE_MS);
          if (settled.state !== 'resolved') fail(`attempt ${attemptNo} did not succeed against a ${success.status} answer: ${settled.state === 'rejected' ? describeError(settled.error) : 'still pending'}`);
          const keys = run.peer.requests.slice(before).map((request) => extract(request));
          // A connector that remembers what it already did may answer a repeat without a request.
          if (keys.length === 0 && attemptNo > 1) {
            remembered = true;
            continue;
          }
          if (keys.length === 0) fail(`attempt ${attemptNo} sent nothing to the peer`);
          const expected = delivery.payload.event === 'ticket.create' ? delivery.payload.ticket.ref : delivery.idempotencyKey;
          if (!keys.includes(expected)) {
            fail(`attempt ${attemptNo}: ${keys.some((k) => k !== undefined) ? `the request carried a key other than ${keyName}` : `no request carried ${keyName}`}; pass it to the peer so a retried attempt is not delivered twice`);
          }
        }
        return remembered ? `the first attempt carried ${keyName}; the second was answered from what the connector remembered` : `both attempts of one delivery carried ${keyName}`;
      });
    },

    'rate-limited': () => caseCheck(cases, 'rateLimited', options),
    'server-error': () => caseCheck(cases, 'serverError', options),
    unauthorized: () => caseCheck(cases, 'unauthorized', options),
    forbidden: () => caseCheck(cases, 'forbidden', options),
    'not-found': () => caseCheck(cases, 'notFound', options),
    'invalid-payload': () => caseCheck(cases, 'invalid', options),

    'abort-signal': () =>
      h.with(async (run) => {
        run.peer.answer({ status: 200, hang: true });
        const controller = new AbortController();
        const delivering = track(run.deliver(run.delivery(), controller.signal));
        await pause(200);
        const early = delivering.current();
        if (early.state !== 'pending') fail(`deliver() ${early.state} before the signal aborted although the peer never answered`);
        if (run.peer.requests.length === 0) fail('no request reached the peer within 200 ms');
        controller.abort();
        const settled = await settleWithin(delivering, 2000);
        if (settled.state === 'pending') fail('deliver() was still pending 2 s after its signal aborted: pass options.signal to the HTTP client');
        if (settled.state === 'resolved') fail('deliver() resolved after its signal aborted; an aborted attempt must reject');
        await waitUntil(() => run.peer.requests.some((r) => r.aborted), 1000, 'the peer to see the request aborted').catch(() =>
          fail('deliver() rejected but left its request to the peer open: abort the HTTP request itself, not just the wait'),
        );
        return `deliver() rejected after the abort (${ConnectorError.is(settled.error) ? settled.error.code : describeError(settled.error)}) and the request was cancelled`;
      }),

    'no-secrets-in-errors': () => noSecretsInErrors(cases, h.secrets),
    'only-connector-errors': () => onlyConnectorErrors(cases),
  };

  return runChecks({
    connector: definition.manifest.id,
    // Each check starts from empty tables (the failure cases, played together, share one set).
    checks: OUTBOUND_CHECKS.map((name) => [name, withFreshTables(h, bodies[name])] as const),
    skip: options.skip,
    timeoutMs: CHECK_TIMEOUT_MS,
    secrets: h.secrets,
  });
}

function withFreshTables<C>(h: OutboundHarness<C>, body: CheckBody): CheckBody {
  return async () => {
    await h.freshDatabase();
    return body();
  };
}

async function manifestCheck<C>(definition: ConnectorDefinition<C>, options: OutboundKitOptions, h: OutboundHarness<C>): Promise<string> {
  const { manifest } = definition;
  const problems: string[] = [];
  if (!KEBAB.test(manifest.id)) problems.push(`id ${JSON.stringify(manifest.id)} is not kebab-case`);
  if (!performsDeliveries(manifest.direction)) problems.push(`direction is ${JSON.stringify(manifest.direction)}; a connector that delivers is outbound or duplex`);
  problems.push(...migrationProblems(manifest));
  if (manifest.targetSchema) {
    const { name: _name, ...to } = options.target;
    const parsed = manifest.targetSchema.safeParse(to);
    if (!parsed.success) problems.push(`the test target does not match manifest.targetSchema at ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  }
  const hasDeliver = await h.with(({ instance }) => Promise.resolve(typeof instance.deliver === 'function'));
  if (!hasDeliver) problems.push('the instance has no deliver()');
  if (problems.length > 0) fail(problems.join('; '));
  return `${manifest.id} (${manifest.direction}): config parses, deliver() present`;
}
