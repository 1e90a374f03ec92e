import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type Response } from 'express';
import { CLOCK, type Clock } from '../clock/clock';
import { HUB_CONFIG } from '../config/settings.tokens';
import { type LoadedConfig } from '../config/load-config';
import { WakeableLoop } from '../clock/wakeable-loop';
import { type DeliveryChangedPayload, INQUIRY_EVENT, OUTBOX_DELIVERY_CHANGED, SLA_MARK_FIRED, type InquiryEventPayload } from '../events/domain-events';
import { INQUIRY_COMMAND_EVENT, type InquiryCommand } from '../inquiries/inquiry-commands';
import { OutboxStore } from '../outbox/outbox-store';
import { type FiredMark } from '../sla/fire-point';
import { QueueQuery } from './queue-query';

export type QueueChange =
  | { type: 'opened' | 'answered' | 'extended' | 'answer_corrected' | 'mark'; inquiryId: string }
  | { type: InquiryCommand; inquiryId: string }
  /**
   * A delivery was delivered, retried, dead-lettered or replayed. Without an inquiry id: not
   * known which (a replay of many, or a change found by the re-check, made by another replica).
   */
  | { type: 'deliveries'; inquiryId?: string }
  /** An inquiry changed that this process did not see happen (another replica). */
  | { type: 'refresh' };

interface Subscriber {
  res: Response;
  expiresAt: number;
  /** The session's nonce: one sign-in's streams are counted together. */
  session: string;
}

/** Why a stream was not opened; `gone` needs no answer (the client already left). */
export type SubscribeOutcome = 'open' | 'full' | 'session-full' | 'closing' | 'gone';

/** Proxies close a stream that says nothing for a while (nginx: 60 s by default). */
export const HEARTBEAT_MS = 20_000;
/** Streams one replica holds at most; a browser beyond it retries later. */
export const MAX_STREAMS = 500;
/** Streams one sign-in holds at most (a few tabs), so one session cannot take every slot. */
export const MAX_STREAMS_PER_SESSION = 5;
/**
 * Bytes a stream may leave unsent: past it the client is not reading (a stalled link), and it
 * is cut off rather than buffered without end. A full queue page's changes are far below it.
 */
export const MAX_BUFFERED = 256 * 1024;

/**
 * The console's Server-Sent Events, one stream per page: the queue, an inquiry and the
 * deliveries page each pick the changes they show. Changes made in this process arrive as
 * domain events at once; other replicas' changes are found by re-reading the newest inquiry
 * event id and the outbox's change mark every few seconds, so a page behind a load balancer
 * stays right. Each event carries the server's
 * clock, which the browser keeps its countdowns on.
 */
@Injectable()
export class ConsoleEvents implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('console');
  private readonly subscribers = new Set<Subscriber>();
  private readonly loop: WakeableLoop;
  /** How often the database is asked for changes made by other replicas (console.liveRecheck). */
  private readonly recheckMs: number;
  private lastMark: string | undefined;
  private lastDeliveriesMark: string | undefined;
  private lastBeat = 0;
  private nextRecheck = 0;
  /** Set once the hub is stopping: no new streams, since nothing would end them. */
  private closing = false;

  constructor(
    private readonly events: EventEmitter2,
    private readonly queue: QueueQuery,
    private readonly outbox: OutboxStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HUB_CONFIG) config: Pick<LoadedConfig, 'hub'>,
  ) {
    this.recheckMs = config.hub.console.liveRecheck;
    this.loop = new WakeableLoop(clock, () => this.pass(), (error) => this.logger.warn(`live queue check failed: ${error instanceof Error ? error.message : String(error)}`), this.recheckMs);
  }

  onModuleInit(): void {
    for (const [type, name] of Object.entries(INQUIRY_EVENT)) {
      this.events.on(name, (e: InquiryEventPayload) => this.publish({ type: type as keyof typeof INQUIRY_EVENT, inquiryId: e.inquiryId }));
    }
    this.events.on(INQUIRY_COMMAND_EVENT, (e: { command: InquiryCommand; inquiryId: string }) => this.publish({ type: e.command, inquiryId: e.inquiryId }));
    this.events.on(SLA_MARK_FIRED, (mark: FiredMark) => this.publish({ type: 'mark', inquiryId: mark.inquiryId }));
    this.events.on(OUTBOX_DELIVERY_CHANGED, (e: DeliveryChangedPayload) => this.publish({ type: 'deliveries', ...(e.inquiryId ? { inquiryId: e.inquiryId } : {}) }));
  }

  get streams(): number {
    return this.subscribers.size;
  }

  /** Opens a stream on `res` until the client leaves, the session expires or the hub stops. */
  subscribe(res: Response, session: { expiresAt: number; nonce: string }): SubscribeOutcome {
    if (this.closing) return 'closing';
    // Its 'close' has been and gone: a slot taken now would never be given back.
    if (res.destroyed || res.writableEnded) return 'gone';
    if (this.subscribers.size >= MAX_STREAMS) return 'full';
    let mine = 0;
    for (const s of this.subscribers) if (s.session === session.nonce) mine++;
    if (mine >= MAX_STREAMS_PER_SESSION) return 'session-full';
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    // nginx would otherwise buffer the stream and deliver it in lumps.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const subscriber = { res, expiresAt: session.expiresAt, session: session.nonce };
    this.subscribers.add(subscriber);
    res.on('close', () => this.subscribers.delete(subscriber));
    // A reconnecting browser waits this long; the first message tells it the server's time.
    this.send(subscriber, `retry: 3000\n${message('hello', { now: this.clock.now() })}`);
    this.loop.start();
    return 'open';
  }

  publish(change: QueueChange): void {
    if (this.subscribers.size === 0) return;
    const text = message('change', { ...change, now: this.clock.now() });
    for (const s of this.subscribers) this.send(s, text);
  }

  beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
    return this.loop.stop();
  }

  private async pass(): Promise<number> {
    if (this.subscribers.size === 0) {
      // Nobody listens: forget the mark, so the next listener starts from a fresh read.
      this.lastMark = undefined;
      this.lastDeliveriesMark = undefined;
      return this.recheckMs;
    }
    const now = this.clock.now();
    for (const s of this.subscribers) {
      if (s.expiresAt <= now) {
        s.res.end(message('signed-out', { now }));
        this.subscribers.delete(s);
      }
    }
    if (now >= this.nextRecheck) {
      this.nextRecheck = now + this.recheckMs;
      const [mark, deliveries] = await Promise.all([this.queue.changeMark(), this.outbox.changeMark()]);
      if (this.lastMark !== undefined && mark !== this.lastMark) this.publish({ type: 'refresh' });
      if (this.lastDeliveriesMark !== undefined && deliveries !== this.lastDeliveriesMark) this.publish({ type: 'deliveries' });
      this.lastMark = mark;
      this.lastDeliveriesMark = deliveries;
    }
    if (now - this.lastBeat >= HEARTBEAT_MS) {
      this.lastBeat = now;
      for (const s of this.subscribers) this.send(s, `: ${now}\n\n`);
    }
    // Awake for whichever comes first: the next re-check or the next heartbeat.
    return Math.max(1, Math.min(this.nextRecheck, this.lastBeat + HEARTBEAT_MS) - this.clock.now());
  }

  /** Writes to one stream; one whose client stopped reading is dropped before it buffers without end. */
  private send(s: Subscriber, text: string): void {
    if (s.res.write(text) || s.res.writableLength <= MAX_BUFFERED) return;
    this.subscribers.delete(s);
    s.res.destroy();
  }
}

function message(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
