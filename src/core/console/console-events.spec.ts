import { EventEmitter2 } from '@nestjs/event-emitter';
import { type Response } from 'express';
import { VirtualClock } from '../clock/virtual-clock';
import { INQUIRY_EVENT, OUTBOX_DELIVERY_CHANGED, SLA_MARK_FIRED } from '../events/domain-events';
import { INQUIRY_COMMAND_EVENT } from '../inquiries/inquiry-commands';
import { type OutboxStore } from '../outbox/outbox-store';
import { ConsoleEvents, HEARTBEAT_MS, MAX_BUFFERED, MAX_STREAMS, MAX_STREAMS_PER_SESSION } from './console-events';
import { type QueueQuery } from './queue-query';

const RECHECK_MS = 5_000;

/** A response that records what the stream wrote. */
function fakeResponse() {
  const listeners = new Map<string, () => void>();
  const res = {
    written: [] as string[],
    ended: false,
    destroyed: false,
    writableEnded: false,
    /** Bytes the client has not read; set above zero to stall it. */
    writableLength: 0,
    status: () => res,
    setHeader: () => undefined,
    flushHeaders: () => undefined,
    write: (text: string) => {
      res.written.push(text);
      return res.writableLength === 0;
    },
    end: (text?: string) => {
      if (text) res.written.push(text);
      res.ended = true;
    },
    destroy: () => {
      res.destroyed = true;
    },
    on: (event: string, fn: () => void) => listeners.set(event, fn),
    close: () => listeners.get('close')?.(),
  };
  return res;
}

function setup() {
  const clock = new VirtualClock(1_000_000);
  const emitter = new EventEmitter2();
  let mark = '10';
  let outboxMark = 'dead:1:5';
  // Strict: the only queries the stream may make are the change marks.
  const queue = { changeMark: () => Promise.resolve(mark) } as unknown as QueueQuery;
  const outbox = { changeMark: () => Promise.resolve(outboxMark) } as unknown as OutboxStore;
  const events = new ConsoleEvents(emitter, queue, outbox, clock, { hub: { console: { liveRecheck: RECHECK_MS } } } as never);
  events.onModuleInit();
  return { clock, emitter, events, setMark: (m: string) => (mark = m), setOutboxMark: (m: string) => (outboxMark = m) };
}

const session = (expiresAt: number, nonce = 'n-1') => ({ expiresAt, nonce });
const asResponse = (res: ReturnType<typeof fakeResponse>) => res as unknown as Response;

const eventsOf = (res: ReturnType<typeof fakeResponse>) => res.written.join('').split('\n\n').filter((m) => m.includes('event: '));

describe('ConsoleEvents', () => {
  it('greets with the server time, then pushes this process’s inquiry changes with it', async () => {
    const { clock, emitter, events } = setup();
    const res = fakeResponse();
    expect(events.subscribe(res as unknown as Response, session(clock.now() + 3_600_000))).toBe('open');
    emitter.emit(INQUIRY_EVENT.opened, { inquiryId: 'i-1' });
    emitter.emit(INQUIRY_COMMAND_EVENT, { command: 'hold', inquiryId: 'i-1', by: 'console:oleg' });
    emitter.emit(SLA_MARK_FIRED, { inquiryId: 'i-1' });
    expect(eventsOf(res)).toEqual([
      'retry: 3000\nevent: hello\ndata: {"now":1000000}',
      'event: change\ndata: {"type":"opened","inquiryId":"i-1","now":1000000}',
      'event: change\ndata: {"type":"hold","inquiryId":"i-1","now":1000000}',
      'event: change\ndata: {"type":"mark","inquiryId":"i-1","now":1000000}',
    ]);
    await events.beforeApplicationShutdown();
    expect(res.ended).toBe(true);
  });

  it('finds another replica’s changes by re-reading the newest event id every few seconds', async () => {
    const { clock, events, setMark } = setup();
    const res = fakeResponse();
    events.subscribe(res as unknown as Response, session(clock.now() + 3_600_000));
    await clock.advance(RECHECK_MS);
    expect(eventsOf(res)).toHaveLength(1);
    setMark('11');
    await clock.advance(RECHECK_MS);
    expect(eventsOf(res)[1]).toBe(`event: change\ndata: {"type":"refresh","now":${1_000_000 + 2 * RECHECK_MS}}`);
    await clock.advance(RECHECK_MS);
    expect(eventsOf(res)).toHaveLength(2);
    await events.beforeApplicationShutdown();
  });

  it('pushes this process’s delivery changes, with the inquiry where one is known', async () => {
    const { clock, emitter, events } = setup();
    const res = fakeResponse();
    events.subscribe(asResponse(res), session(clock.now() + 3_600_000));
    emitter.emit(OUTBOX_DELIVERY_CHANGED, { inquiryId: 'i-1', status: 'dead' });
    emitter.emit(OUTBOX_DELIVERY_CHANGED, { inquiryId: null, status: 'pending' });
    expect(eventsOf(res).slice(1)).toEqual([
      'event: change\ndata: {"type":"deliveries","inquiryId":"i-1","now":1000000}',
      'event: change\ndata: {"type":"deliveries","now":1000000}',
    ]);
    await events.beforeApplicationShutdown();
  });

  it('finds another replica’s delivery changes by re-reading the outbox’s change mark', async () => {
    const { clock, events, setOutboxMark } = setup();
    const res = fakeResponse();
    events.subscribe(asResponse(res), session(clock.now() + 3_600_000));
    await clock.advance(RECHECK_MS);
    setOutboxMark('dead:2:9');
    await clock.advance(RECHECK_MS);
    expect(eventsOf(res).slice(1)).toEqual([`event: change\ndata: {"type":"deliveries","now":${1_000_000 + 2 * RECHECK_MS}}`]);
    await events.beforeApplicationShutdown();
  });

  it('sends heartbeat comments, and ends a stream when its session expires', async () => {
    const { clock, events } = setup();
    const res = fakeResponse();
    events.subscribe(res as unknown as Response, session(clock.now() + HEARTBEAT_MS + RECHECK_MS));
    await clock.advance(HEARTBEAT_MS);
    expect(res.written.some((text) => text.startsWith(': '))).toBe(true);
    await clock.advance(2 * RECHECK_MS);
    expect(res.ended).toBe(true);
    expect(eventsOf(res).pop()).toContain('event: signed-out');
    expect(events.streams).toBe(0);
    await events.beforeApplicationShutdown();
  });

  it('forgets a stream the client closed', async () => {
    const { clock, events } = setup();
    const res = fakeResponse();
    events.subscribe(res as unknown as Response, session(clock.now() + 3_600_000));
    res.close();
    expect(events.streams).toBe(0);
    await events.beforeApplicationShutdown();
  });

  it('caps the streams of one sign-in, and of the replica', async () => {
    const { clock, events } = setup();
    const expiresAt = clock.now() + 3_600_000;
    for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) expect(events.subscribe(asResponse(fakeResponse()), session(expiresAt, 'tabs'))).toBe('open');
    expect(events.subscribe(asResponse(fakeResponse()), session(expiresAt, 'tabs'))).toBe('session-full');
    expect(events.streams).toBe(MAX_STREAMS_PER_SESSION);
    for (let i = MAX_STREAMS_PER_SESSION; i < MAX_STREAMS; i++) expect(events.subscribe(asResponse(fakeResponse()), session(expiresAt, `s-${i}`))).toBe('open');
    expect(events.subscribe(asResponse(fakeResponse()), session(expiresAt, 'late'))).toBe('full');
    await events.beforeApplicationShutdown();
  });

  it('holds no slot for a client that already left, nor once the hub is stopping', async () => {
    const { clock, events } = setup();
    const gone = fakeResponse();
    gone.destroyed = true;
    expect(events.subscribe(asResponse(gone), session(clock.now() + 3_600_000))).toBe('gone');
    expect(gone.written).toEqual([]);
    expect(events.streams).toBe(0);
    await events.beforeApplicationShutdown();
    expect(events.subscribe(asResponse(fakeResponse()), session(clock.now() + 3_600_000))).toBe('closing');
    expect(events.streams).toBe(0);
  });

  it('drops a stream whose client stopped reading once its unsent bytes pass the cap', async () => {
    const { clock, emitter, events } = setup();
    const slow = fakeResponse();
    const fine = fakeResponse();
    events.subscribe(asResponse(slow), session(clock.now() + 3_600_000, 'a'));
    events.subscribe(asResponse(fine), session(clock.now() + 3_600_000, 'b'));
    slow.writableLength = MAX_BUFFERED;
    emitter.emit(INQUIRY_EVENT.opened, { inquiryId: 'i-1' });
    // Behind, but not past the cap: kept.
    expect(slow.destroyed).toBe(false);
    slow.writableLength = MAX_BUFFERED + 1;
    emitter.emit(INQUIRY_EVENT.opened, { inquiryId: 'i-2' });
    expect(slow.destroyed).toBe(true);
    expect(fine.destroyed).toBe(false);
    expect(events.streams).toBe(1);
    await events.beforeApplicationShutdown();
  });
});
