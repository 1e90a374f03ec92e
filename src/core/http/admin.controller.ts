import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { plainQuery } from './plain-query';
import { problem } from './problem';
import { InquiryQueries, type InquiryView } from '../inquiries/inquiry-queries';
import { OutboxStore, type DeliveryRow } from '../outbox/outbox-store';
import { summarizeOutbox, type TargetSummary } from '../outbox/outbox-summary';
import { DATABASE, type Database } from '../persistence/database';
import { DELIVERY_STATUSES, INQUIRY_STATUSES, isDeliveryStatus, isInquiryStatus } from '../persistence/statuses';
import { AdminGuard } from './admin.guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-only admin API. */
@Controller('api/v1')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(
    private readonly inquiries: InquiryQueries,
    private readonly outbox: OutboxStore,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('inquiries')
  async listInquiries(@Query() rawQuery: Record<string, unknown>): Promise<{ items: InquiryView[]; next: string | null }> {
    const query = plainQuery(rawQuery);
    const status = query.status;
    if (status !== undefined && !isInquiryStatus(status)) {
      throw problem(400, 'Bad Request', `status: expected one of ${INQUIRY_STATUSES.join(', ')}`, { parameter: 'status' });
    }
    const limit = parseLimit(query.limit);
    const before = query.before === undefined ? undefined : parseInstant('before', query.before);
    const items = await this.inquiries.list({
      limit,
      ...(status ? { status } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.conversation ? { conversation: query.conversation } : {}),
      ...(before ? { before } : {}),
    });
    return { items, next: items.length === limit ? (items[items.length - 1]?.openedAt ?? null) : null };
  }

  @Get('inquiries/:id')
  async getInquiry(@Param('id') id: string) {
    const found = UUID.test(id) ? await this.inquiries.get(id) : undefined;
    if (!found) throw problem(404, 'Not Found', `no inquiry ${id}`);
    return found;
  }

  @Get('deliveries')
  async listDeliveries(@Query() rawQuery: Record<string, unknown>): Promise<{ items: DeliveryRow[] }> {
    const query = plainQuery(rawQuery);
    const status = query.status;
    if (status !== undefined && !isDeliveryStatus(status)) {
      throw problem(400, 'Bad Request', `status: expected one of ${DELIVERY_STATUSES.join(', ')}`, { parameter: 'status' });
    }
    return { items: await this.outbox.list({ limit: parseLimit(query.limit), ...(status ? { status } : {}) }) };
  }

  /** Per connector and duty target: queued, retrying (with the next attempt), in flight, dead, the last error. */
  @Get('deliveries/summary')
  async deliverySummary(): Promise<{ targets: TargetSummary[] }> {
    return { targets: await summarizeOutbox(this.db) };
  }

  @Get('deliveries/:id')
  async getDelivery(@Param('id') id: string): Promise<DeliveryRow> {
    const found = UUID.test(id) ? await this.outbox.get(id) : undefined;
    if (!found) throw problem(404, 'Not Found', `no delivery ${id}`);
    return found;
  }
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw problem(400, 'Bad Request', 'limit: expected an integer 1-500', { parameter: 'limit' });
  return limit;
}

/** ISO 8601 only: Date's own parser reads almost anything (`' OR '1'='1` is 2001-01-01). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseInstant(name: string, raw: string): Date {
  const at = ISO_INSTANT.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw problem(400, 'Bad Request', `${name}: expected an ISO 8601 instant such as 2026-11-02T12:00:00Z`, { parameter: name });
  return at;
}
