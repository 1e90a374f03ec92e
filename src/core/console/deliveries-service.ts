import { Inject, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { OutboxStore } from '../outbox/outbox-store';
import { summarizeOutbox } from '../outbox/outbox-summary';
import { DATABASE, type Database } from '../persistence/database';
import { HealthState } from '../runtime/health-state';
import { queryParam } from './form-body';
import { type DeliveriesModel, type DeliveryFilters } from './pages/deliveries.page';
import { type ConsoleRole } from './session-codec';

/** Deliveries listed per page. */
export const DELIVERY_PAGE_SIZE = 50;
/** Pages beyond this are refused as a first page: a list that long is read through its filters. */
const MAX_PAGE = 1000;

/** Reads the deliveries page for one request: health, the per-target summary and one page of the list. */
@Injectable()
export class DeliveriesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly outbox: OutboxStore,
    private readonly health: HealthState,
  ) {}

  async model(req: Request, role: ConsoleRole): Promise<Omit<DeliveriesModel, 'notice'>> {
    const filters: DeliveryFilters = {};
    for (const name of ['connector', 'target'] as const) {
      const value = queryParam(req, name);
      if (value !== undefined) filters[name] = value;
    }
    const requested = Number(queryParam(req, 'page', 5) ?? '1');
    const page = Number.isInteger(requested) && requested >= 1 && requested <= MAX_PAGE ? requested : 1;
    const [targets, rows] = await Promise.all([
      summarizeOutbox(this.db),
      this.outbox.list({ troubled: true, ...filters, limit: DELIVERY_PAGE_SIZE + 1, offset: (page - 1) * DELIVERY_PAGE_SIZE }),
    ]);
    const connectors = unique([...targets.map((t) => t.connector), ...Object.keys(this.health.connectors), ...(filters.connector ? [filters.connector] : [])]);
    const targetNames = unique([...targets.filter((t) => !filters.connector || t.connector === filters.connector).map((t) => t.target), ...(filters.target ? [filters.target] : [])]).filter((t) => t !== '');
    const query = (n: number) => {
      const q = new URLSearchParams(Object.entries(filters) as Array<[string, string]>);
      if (n > 1) q.set('page', String(n));
      return q.size > 0 ? `?${q.toString()}` : '';
    };
    return {
      health: this.health.connectors,
      targets,
      rows: rows.slice(0, DELIVERY_PAGE_SIZE),
      filters,
      choices: { connectors, targets: targetNames },
      nextQuery: rows.length > DELIVERY_PAGE_SIZE && page < MAX_PAGE ? query(page + 1) : null,
      firstQuery: page > 1 ? query(1) : null,
      query: query(page),
      role,
    };
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b));
}
