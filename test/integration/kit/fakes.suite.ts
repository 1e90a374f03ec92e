import { ConnectorError } from '../../../src/plugins/sdk';
import { FakePeer, FakeSink, MemoryStateStore, TestClock } from '../../../src/plugins/testing';

const message = (conversation: string, id: string, role?: 'staff') => ({
  conversation: { id: conversation },
  id,
  text: `text ${id}`,
  sentAt: new Date('2026-03-02T09:00:00Z'),
  author: { id: 'a-1', ...(role ? { role } : {}) },
});

describe('TestClock', () => {
  it('wakes sleepers only when the test advances past their due time, in order', async () => {
    const clock = new TestClock({ start: 1000 });
    const woke: string[] = [];
    void clock.sleep(500).then(() => woke.push(`a@${clock.now()}`));
    void clock.sleep(200).then(() => woke.push(`b@${clock.now()}`));
    await clock.advance(199);
    expect(woke).toEqual([]);
    await clock.advance(400);
    expect(woke).toEqual(['b@1200', 'a@1500']);
    expect(clock.now()).toBe(1599);
    await clock.advanceTo(5000);
    expect(clock.now()).toBe(5000);
  });

  it('runs loops that sleep again inside one advance', async () => {
    const clock = new TestClock({ start: 0 });
    let ticks = 0;
    const controller = new AbortController();
    const loop = (async () => {
      while (!controller.signal.aborted) {
        await clock.sleep(1000, controller.signal);
        ticks++;
      }
    })();
    await clock.advance(3500);
    expect(ticks).toBe(3);
    controller.abort();
    await loop;
  });

  it('with autoAdvance, resolves in real milliseconds and moves time to the due time', async () => {
    const clock = new TestClock({ start: 0, autoAdvance: true });
    const started = performance.now();
    await clock.sleep(60 * 60_000);
    // An hour of clock time in well under a second of real time; a tighter bound flaked on a
    // loaded 2-core CI machine (77 ms).
    expect(performance.now() - started).toBeLessThan(1000);
    expect(clock.now()).toBe(60 * 60_000);
  });

  it('resolves early and without error when the signal aborts, in both modes', async () => {
    for (const clock of [new TestClock(), new TestClock({ autoAdvance: true })]) {
      const controller = new AbortController();
      const sleeping = clock.sleep(10 ** 9, controller.signal);
      controller.abort();
      await expect(sleeping).resolves.toBeUndefined();
      await expect(clock.sleep(5, controller.signal)).resolves.toBeUndefined();
      expect(clock.pendingSleepers).toBe(0);
    }
  });
});

describe('MemoryStateStore', () => {
  it('versions every write from 1 and compares-and-sets on them', async () => {
    const store = new MemoryStateStore(new TestClock());
    expect(await store.compareAndSet('k', undefined, { n: 1 })).toBe(1);
    expect(await store.compareAndSet('k', undefined, { n: 2 })).toBe(false);
    expect(await store.compareAndSet('k', 1, { n: 2 })).toBe(2);
    expect(await store.compareAndSet('k', 1, { n: 3 })).toBe(false);
    expect(await store.set('k', { n: 4 })).toBe(3);
    expect(await store.get('k')).toEqual({ value: { n: 4 }, version: 3 });
    expect(store.writes).toBe(3);
    expect(await store.delete('k')).toBe(true);
    expect(await store.delete('k')).toBe(false);
    // A version read before the delete never matches the re-created key.
    expect(await store.compareAndSet('k', undefined, 'again')).toBe(4);
    expect(store.writes).toBe(5);
  });

  it('stores JSON, honours ttl on its clock and lists by prefix in key order', async () => {
    const clock = new TestClock({ start: 0 });
    const store = new MemoryStateStore(clock);
    const at = new Date(0);
    await store.set('cursor/b', { at });
    await store.set('cursor/a', 1, { ttlMs: 1000 });
    await store.set('cursor/c', 3);
    await store.set('other', 0);
    expect((await store.get('cursor/b'))?.value).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect((await store.list('cursor/')).map((e) => e.key)).toEqual(['cursor/a', 'cursor/b', 'cursor/c']);
    expect((await store.list('cursor/', { limit: 2 })).map((e) => e.key)).toEqual(['cursor/a', 'cursor/b']);
    await clock.advance(1000);
    expect(await store.get('cursor/a')).toBeUndefined();
    expect(await store.compareAndSet('cursor/a', undefined, 2)).toBe(2);
    await expect(store.set('bad', undefined)).rejects.toThrow('not JSON-serializable');
  });
});

describe('FakeSink', () => {
  it('records, dedupes and reports effects like the hub', async () => {
    const sink = new FakeSink();
    expect(await sink.accept(message('c1', 'm1'))).toEqual({ duplicate: false, role: 'customer', effect: 'opened', inquiryId: 'inquiry-1' });
    expect(await sink.accept(message('c1', 'm2', 'staff'))).toEqual({ duplicate: false, role: 'staff', effect: 'updated', inquiryId: 'inquiry-1' });
    expect(await sink.accept(message('c1', 'm1'))).toMatchObject({ duplicate: true });
    expect(await sink.accept(message('c2', 'm1'))).toMatchObject({ duplicate: false, effect: 'opened', inquiryId: 'inquiry-2' });
    expect(sink.acceptedIds).toEqual(['m1', 'm2', 'm1']);
    expect(sink.calls).toBe(4);
    await sink.recordReceipt('u-1');
    expect(await sink.hasReceipt('u-1')).toBe(true);
    await sink.conversationTitle('c1', 'Acme');
    await sink.conversationRekeyed('c1', 'c9', { childSeparator: ':' });
    expect(await sink.conversationClosed('c2', 'topic closed')).toEqual({ resolvedInquiryId: 'inquiry-2' });
    expect([sink.titles, sink.rekeys, sink.closed]).toEqual([[{ conversationId: 'c1', title: 'Acme' }], [{ fromId: 'c1', toId: 'c9', options: { childSeparator: ':' } }], [{ conversationId: 'c2', reason: 'topic closed' }]]);
  });

  it('holds accepts until released and fails the next n', async () => {
    const sink = new FakeSink();
    sink.hold();
    let done = false;
    const held = sink.accept(message('c', '1')).then(() => (done = true));
    await sink.waitForCalls(1, 1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    sink.release();
    await held;
    sink.failNext(2);
    await expect(sink.accept(message('c', '2'))).rejects.toMatchObject({ code: 'TEMPORARY' });
    await expect(sink.accept(message('c', '2'))).rejects.toBeInstanceOf(ConnectorError);
    await expect(sink.accept(message('c', '2'))).resolves.toMatchObject({ duplicate: false });
    expect(sink.acceptCalledAt).toHaveLength(4);
    await expect(sink.waitForCalls(9, 30)).rejects.toThrow('gave up after 30 ms');
  });
});

describe('FakePeer', () => {
  it('records requests, answers as scripted and echoes the request into error bodies', async () => {
    const peer = new FakePeer();
    const url = await peer.start();
    try {
      peer.answer((request) => (request.url.startsWith('/ok') ? { status: 201, body: { id: 'x' } } : { status: 429, headers: { 'retry-after': '3' }, body: { code: 'slow' } }));
      const ok = await fetch(`${url}/ok`, { method: 'POST', body: 'hello', headers: { 'X-Trace': 't1' } });
      expect([ok.status, await ok.json()]).toEqual([201, { id: 'x' }]);
      const limited = await fetch(`${url}/send?token=abc123`, { headers: { authorization: 'Bearer sekret' } });
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(await limited.json()).toMatchObject({ code: 'slow', request: { url: '/send?token=abc123', headers: { authorization: 'Bearer sekret' } } });
      expect(peer.requests[0]).toMatchObject({ method: 'POST', url: '/ok', body: 'hello', aborted: false, headers: { 'x-trace': 't1' } });
    } finally {
      await peer.stop();
    }
  });

  it('hangs until the client goes away and marks the request aborted', async () => {
    const peer = new FakePeer();
    const url = await peer.start();
    try {
      peer.answer({ status: 200, hang: true });
      const controller = new AbortController();
      const pending = fetch(url, { signal: controller.signal });
      await peer.waitForRequests(1, 1000);
      controller.abort();
      await expect(pending).rejects.toThrow();
      for (let i = 0; i < 100 && !peer.requests[0]?.aborted; i++) await new Promise((r) => setTimeout(r, 5));
      expect(peer.requests[0]?.aborted).toBe(true);
    } finally {
      await peer.stop();
    }
  });
});
