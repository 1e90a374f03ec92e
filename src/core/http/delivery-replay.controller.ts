import { Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type Request } from 'express';
import { z } from 'zod';
import { CLOCK, type Clock } from '../clock/clock';
import { OUTBOX_ENQUEUED } from '../events/domain-events';
import { OutboxStore } from '../outbox/outbox-store';
import { AdminGuard } from './admin.guard';
import { problem } from './problem';
import { parseJsonBody, readRawBody } from './read-body';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
/** A filter is required: replaying every dead letter ever is a choice to spell out (`all: true`). */
const filterSchema = z
  .object({ since: instant.optional(), until: instant.optional(), connector: z.string().min(1).max(100).optional(), all: z.literal(true).optional() })
  .strict()
  .refine((f) => f.all === true || f.since !== undefined || f.until !== undefined || f.connector !== undefined, 'expected a filter (since, until, connector) or "all": true');

/**
 * `POST /api/v1/deliveries/:id/replay` and `POST /api/v1/deliveries/replay` with a filter: dead
 * letters back in line with the same idempotency key and a fresh attempt budget, as
 * `replywatch outbox replay` does.
 */
@Controller('api/v1/deliveries')
@UseGuards(AdminGuard)
export class DeliveryReplayController {
  constructor(
    private readonly outbox: OutboxStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: EventEmitter2,
  ) {}

  @Post('replay')
  @HttpCode(200)
  async replayMany(@Req() req: Request): Promise<{ replayed: string[] }> {
    const raw = await readRawBody(req, 4 * 1024);
    const parsed = filterSchema.safeParse(raw.length === 0 ? {} : parseJsonBody(raw));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw problem(422, 'Unprocessable Content', `/${issue?.path.join('/') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const { since, until, connector } = parsed.data;
    return { replayed: await this.replay({ ...(since ? { since } : {}), ...(until ? { until } : {}), ...(connector ? { connector } : {}) }) };
  }

  @Post(':id/replay')
  @HttpCode(200)
  async replayOne(@Param('id') id: string): Promise<{ replayed: string[] }> {
    const found = UUID.test(id) ? await this.outbox.get(id) : undefined;
    if (!found) throw problem(404, 'Not Found', `no delivery ${id}`);
    if (found.status !== 'dead') throw problem(409, 'Conflict', `delivery ${id} is ${found.status}; only dead letters are replayed`);
    return { replayed: await this.replay({ id }) };
  }

  private async replay(filter: { id?: string; since?: Date; until?: Date; connector?: string }): Promise<string[]> {
    const replayed = await this.outbox.replay(filter, new Date(this.clock.now()));
    if (replayed.length > 0) this.events.emit(OUTBOX_ENQUEUED, replayed.length);
    return replayed;
  }
}
