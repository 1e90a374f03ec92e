import { EventEmitter2 } from '@nestjs/event-emitter';
import { VirtualClock } from '../clock/virtual-clock';
import { OUTBOX_ENQUEUED } from '../events/domain-events';
import { DeliveryReplay } from './delivery-replay';
import { type DeliveryRow, type OutboxStore, type ReplayFilter } from './outbox-store';

const DEAD = '11111111-1111-4111-8111-111111111111';
const DELIVERED = '22222222-2222-4222-8222-222222222222';

/** An outbox with one dead letter and one delivered delivery; anything else it is asked fails the test. */
function fakeOutbox(replayed: string[]) {
  const calls: ReplayFilter[] = [];
  const rows: Record<string, Pick<DeliveryRow, 'id' | 'status'>> = { [DEAD]: { id: DEAD, status: 'dead' }, [DELIVERED]: { id: DELIVERED, status: 'delivered' } };
  const outbox = {
    get: (id: string) => Promise.resolve(rows[id]),
    replay: (filter: ReplayFilter) => {
      calls.push(filter);
      return Promise.resolve(replayed);
    },
  };
  return { outbox: new Proxy(outbox, { get: (t, k) => (k in t ? t[k as keyof typeof t] : () => { throw new Error(`unexpected OutboxStore.${String(k)}`); }) }) as unknown as OutboxStore, calls };
}

describe('DeliveryReplay', () => {
  const clock = new VirtualClock('2026-12-03T10:00:00.000Z');

  it('replays one dead letter and wakes the outbox worker', async () => {
    const { outbox, calls } = fakeOutbox([DEAD]);
    const events = new EventEmitter2();
    const woken: unknown[] = [];
    events.on(OUTBOX_ENQUEUED, (n: unknown) => woken.push(n));
    expect(await new DeliveryReplay(outbox, clock, events).one(DEAD)).toEqual({ ok: true, replayed: [DEAD] });
    expect(calls).toEqual([{ id: DEAD }]);
    expect(woken).toEqual([1]);
  });

  it('refuses an unknown or malformed id and one that is not dead, without replaying anything', async () => {
    const { outbox, calls } = fakeOutbox([]);
    const replay = new DeliveryReplay(outbox, clock, new EventEmitter2());
    expect(await replay.one('33333333-3333-4333-8333-333333333333')).toEqual({ ok: false, code: 'not_found' });
    expect(await replay.one("x' OR 1=1")).toEqual({ ok: false, code: 'not_found' });
    expect(await replay.one(DELIVERED)).toEqual({ ok: false, code: 'not_dead', status: 'delivered' });
    expect(calls).toEqual([]);
  });

  it('replays a filtered set, and wakes the worker only when something was replayed', async () => {
    const events = new EventEmitter2();
    const woken: unknown[] = [];
    events.on(OUTBOX_ENQUEUED, (n: unknown) => woken.push(n));
    const none = fakeOutbox([]);
    expect(await new DeliveryReplay(none.outbox, clock, events).many({ connector: 'webhook', target: 'ops-hook' })).toEqual([]);
    expect(woken).toEqual([]);
    const two = fakeOutbox(['a', 'b']);
    expect(await new DeliveryReplay(two.outbox, clock, events).many({ connector: 'webhook' })).toEqual(['a', 'b']);
    expect(two.calls).toEqual([{ connector: 'webhook' }]);
    expect(woken).toEqual([2]);
  });
});
