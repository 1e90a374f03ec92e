import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, type Clock } from '../clock/clock';
import { type DeliveryChangedPayload, OUTBOX_DELIVERY_CHANGED, OUTBOX_ENQUEUED } from '../events/domain-events';
import { type DeliveryStatus } from '../persistence/statuses';
import { OutboxStore, type ReplayFilter } from './outbox-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ReplayOneOutcome = { ok: true; replayed: string[] } | { ok: false; code: 'not_found' } | { ok: false; code: 'not_dead'; status: DeliveryStatus };

/**
 * Dead letters back in line with the same idempotency key and a fresh attempt budget, for
 * the admin API and the web console alike; the outbox worker is woken at once, so a replay
 * goes out now rather than at the next poll.
 */
@Injectable()
export class DeliveryReplay {
  private readonly logger = new Logger('outbox');

  constructor(
    private readonly outbox: OutboxStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: EventEmitter2,
  ) {}

  /** One dead letter; anything else (unknown, malformed id, not dead) is refused with a code. */
  async one(id: string): Promise<ReplayOneOutcome> {
    const found = UUID.test(id) ? await this.outbox.get(id) : undefined;
    if (!found) return { ok: false, code: 'not_found' };
    if (found.status !== 'dead') return { ok: false, code: 'not_dead', status: found.status };
    return { ok: true, replayed: await this.many({ id }) };
  }

  /** Every dead letter the filter matches; the ids put back in line. */
  async many(filter: ReplayFilter): Promise<string[]> {
    const replayed = await this.outbox.replay(filter, new Date(this.clock.now()));
    if (replayed.length === 0) return replayed;
    this.events.emit(OUTBOX_ENQUEUED, replayed.length);
    try {
      // One signal for the whole set: listeners re-read what they show rather than follow each id.
      this.events.emit(OUTBOX_DELIVERY_CHANGED, { inquiryId: null, status: 'pending' } satisfies DeliveryChangedPayload);
    } catch (error) {
      // The replay is committed: a listener's failure (a console stream) must not answer it as failed.
      this.logger.warn(`a listener of replayed deliveries failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return replayed;
  }
}
