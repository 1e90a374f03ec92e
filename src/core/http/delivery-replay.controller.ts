import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { type Request } from 'express';
import { z } from 'zod';
import { DeliveryReplay } from '../outbox/delivery-replay';
import { AdminGuard } from './admin.guard';
import { problem } from './problem';
import { parseJsonBody, readRawBody } from './read-body';

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
  constructor(private readonly replay: DeliveryReplay) {}

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
    return { replayed: await this.replay.many({ ...(since ? { since } : {}), ...(until ? { until } : {}), ...(connector ? { connector } : {}) }) };
  }

  @Post(':id/replay')
  @HttpCode(200)
  async replayOne(@Param('id') id: string): Promise<{ replayed: string[] }> {
    const outcome = await this.replay.one(id);
    if (outcome.ok) return { replayed: outcome.replayed };
    if (outcome.code === 'not_found') throw problem(404, 'Not Found', `no delivery ${id}`);
    throw problem(409, 'Conflict', `delivery ${id} is ${outcome.status}; only dead letters are replayed`);
  }
}
