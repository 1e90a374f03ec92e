import { readsChannel, type ConnectorDefinition } from '../sdk';
import { migrationProblems } from './kit-database';
import { fail, runChecks, type CheckBody, type KitReport } from './kit-report';
import { INBOUND_CHECKS, InboundHarness, type InboundCheck, type InboundKitOptions, type InboundRun } from './inbound-harness';
import { attempt, describeError, pause, settleWithin, track, waitUntil } from './wait';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Real time given to a connector to misbehave (acknowledge early, accept late) before looking. */
const GRACE_MS = 150;
const QUIET_MS = 300;

/** Runs the inbound contract against fresh instances of the connector, fed by `options.source`. */
export async function checkInboundConnector<C>(definition: ConnectorDefinition<C>, options: InboundKitOptions): Promise<KitReport> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const secrets = new Set<string>();
  const inHarness =
    (body: (h: InboundHarness<C>) => Promise<string>): CheckBody =>
    async () => {
      const h = new InboundHarness(definition, options, secrets, timeoutMs);
      try {
        await h.open();
        return await body(h);
      } finally {
        await h.close();
      }
    };

  const accepted = async (run: InboundRun<C>, ids: readonly string[], what: string): Promise<void> => {
    await run.sink.waitForAccepted(ids, timeoutMs).catch(() => {
      const missing = ids.filter((id) => !run.sink.acceptedIds.includes(id));
      fail(`${what}: ${missing.length} of ${ids.length} message(s) not accepted within ${timeoutMs} ms (${missing.join(', ')})`);
    });
  };
  const published = async (h: InboundHarness<C>, count: number): Promise<string[]> => {
    const ids = await h.publish(count);
    if (ids.length !== count) fail(`the source's publish(${count}) returned ${ids.length} id(s)`);
    return ids;
  };

  const bodies: Record<InboundCheck, CheckBody> = {
    manifest: inHarness(async (h) => {
      const { manifest } = definition;
      const problems: string[] = [];
      if (!KEBAB.test(manifest.id)) problems.push(`id ${JSON.stringify(manifest.id)} is not kebab-case`);
      if (!readsChannel(manifest.direction)) problems.push(`direction is ${JSON.stringify(manifest.direction)}; a connector that reads a channel is inbound or duplex`);
      if (manifest.channel === undefined || !KEBAB.test(manifest.channel)) problems.push(`channel ${JSON.stringify(manifest.channel)} is not a kebab-case name`);
      problems.push(...migrationProblems(manifest));
      const run = await h.launch(false);
      if (typeof run.instance.start !== 'function') problems.push('the instance has no start()');
      if (problems.length > 0) fail(problems.join('; '));
      return `${manifest.id} (${manifest.direction}, channel ${manifest.channel ?? '?'}): config parses, start() present`;
    }),

    verify: inHarness(async (h) => {
      const run = await h.launch(false);
      const settled = await settleWithin(attempt(() => run.instance.verify()), timeoutMs);
      if (settled.state === 'pending') fail(`verify() did not settle within ${timeoutMs} ms`);
      if (settled.state === 'rejected') fail(`verify() threw (${describeError(settled.error)}); it reports problems as { status: 'down', detail }`);
      const health = settled.value as Partial<{ status: unknown; detail: unknown }> | undefined;
      if (health?.status !== 'up' && health?.status !== 'degraded' && health?.status !== 'down') fail(`verify() resolved to ${JSON.stringify(health)}, not a Health`);
      return `verify() → ${health.status}${typeof health.detail === 'string' ? ` (${health.detail})` : ''}`;
    }),

    'delivers-all': inHarness(async (h) => {
      const run = await h.launch();
      const ids = await published(h, 3);
      await accepted(run, ids, 'after publishing 3');
      return `${ids.length} of ${ids.length} published messages accepted`;
    }),

    'no-ack-before-accept': inHarness(async (h) => {
      const run = await h.launch();
      run.sink.hold();
      // Taken synchronously inside accept(), before a misbehaving connector's next statement.
      let writesAtFirstCall: number | undefined;
      run.sink.onAcceptCall(() => (writesAtFirstCall ??= h.state.writes));
      const publishing = h.publishInBackground(2);
      await run.sink.waitForCalls(1, timeoutMs).catch(() => fail(`accept() was not called within ${timeoutMs} ms of publishing`));
      await pause(GRACE_MS);
      const ackedWhileHeld = await h.acknowledged();
      const writesWhileHeld = h.state.writes - (writesAtFirstCall ?? h.state.writes);
      run.sink.release();
      if (ackedWhileHeld !== undefined && ackedWhileHeld > 0) fail(`the source saw ${ackedWhileHeld} item(s) acknowledged while accept() had not resolved`);
      if (writesWhileHeld > 0) fail(`ctx.state was written ${writesWhileHeld} time(s) while accept() had not resolved: store a cursor only after accept() resolves`);
      const settled = await settleWithin(publishing, timeoutMs);
      if (settled.state !== 'resolved') fail(`the source's publish did not complete: ${settled.state === 'rejected' ? describeError(settled.error) : 'still pending'}`);
      await accepted(run, settled.value, 'after the held accept() calls were released');
      if (ackedWhileHeld !== undefined) {
        await waitUntil(async () => ((await h.acknowledged()) ?? 0) >= 2, timeoutMs, 'acknowledgement').catch(() => fail(`the source never saw both items acknowledged after accept() resolved`));
      }
      return `nothing acknowledged${ackedWhileHeld === undefined ? '' : ' at the source'} or written to ctx.state while accept() was pending`;
    }),

    'failed-accept-redelivered': inHarness(async (h) => {
      const run = await h.launch();
      run.sink.failNext(1);
      const ids = await published(h, 1);
      await accepted(run, ids, 'after its first accept() failed, the message was lost (do not acknowledge or move past a message whose accept() rejected)');
      return `accept() failed once, the message was handed over again (${run.sink.calls} calls)`;
    }),

    'restart-resumes': inHarness(async (h) => {
      const first = await h.launch();
      const before = await published(h, 3);
      await accepted(first, before, 'first instance');
      // Let the first instance commit what follows its last accept before it is stopped.
      await pause(50);
      await h.shutdown(first);
      const second = await h.launch();
      const after = await published(h, 2);
      await accepted(second, after, 'second instance, after the restart');
      await pause(QUIET_MS);
      const again = second.sink.acceptedIds.filter((id) => !after.includes(id));
      if (again.length > 0) fail(`after a restart the new instance accepted ${again.length} message(s) besides the 2 new ones (${again.join(', ')}): resume from a cursor kept in ctx.state`);
      return 'the second instance accepted exactly the 2 new messages';
    }),

    'stop-finishes-in-flight': inHarness(async (h) => {
      const run = await h.launch();
      const stoppable = run.stoppable;
      if (!stoppable) fail('start() resolved without a Stoppable');
      run.sink.hold();
      const publishing = h.publishInBackground(1);
      await run.sink.waitForCalls(1, timeoutMs).catch(() => fail(`accept() was not called within ${timeoutMs} ms of publishing`));
      run.stopped = true;
      let stoppedAt = Infinity;
      const stopping = track(attempt(() => stoppable.stop()).then(() => void (stoppedAt = performance.now())));
      await pause(GRACE_MS);
      const early = stopping.current();
      if (early.state !== 'pending') fail(`stop() ${early.state} while accept() was still in flight: wait for in-flight messages before returning`);
      run.sink.release();
      const stopped = await settleWithin(stopping, timeoutMs);
      if (stopped.state === 'pending') fail(`stop() did not resolve within ${timeoutMs} ms of the in-flight accept() resolving`);
      if (stopped.state === 'rejected') fail(`stop() rejected: ${describeError(stopped.error)}`);
      const first = await settleWithin(publishing, timeoutMs);
      if (first.state === 'resolved' && !first.value.every((id) => run.sink.acceptedIds.includes(id))) fail('the in-flight message was not accepted');
      await h.publish(1);
      await pause(QUIET_MS);
      const late = run.sink.acceptCalledAt.filter((at) => at > stoppedAt).length;
      if (late > 0) fail(`accept() was called ${late} time(s) after stop() resolved`);
      return 'stop() waited for the in-flight accept() and nothing was accepted after it';
    }),
  };

  return runChecks({
    connector: definition.manifest.id,
    checks: INBOUND_CHECKS.map((name) => [name, bodies[name]] as const),
    skip: options.skip,
    timeoutMs: 4 * timeoutMs + 2000,
    secrets,
  });
}
