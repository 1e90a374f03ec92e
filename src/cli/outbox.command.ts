import { type DeliveryRow, type OutboxStore } from '../core/outbox/outbox-store';
import { type BreakerView, type TargetSummary } from '../core/outbox/outbox-summary';
import { type Database } from '../core/persistence/database';
import { DELIVERY_STATUSES, type DeliveryStatus, isDeliveryStatus } from '../core/persistence/statuses';
import { OUTBOX_LIST, OUTBOX_REPLAY, OUTBOX_SHOW, OUTBOX_STATUS } from './commands';
import { parseCommand } from './parse-command';
import { withProgress } from './progress';
import { readThrough } from './read-through';
import { UsageError } from './usage-error';
import { toWire, type Wire } from './wire';

type Delivery = Wire<DeliveryRow>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `replywatch outbox status|list|show|replay`: look at the outbox and put dead letters back in line. */
export async function runOutbox(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'status':
      return status(rest);
    case 'list':
      return list(rest);
    case 'show':
      return show(rest);
    case 'replay':
      return replay(rest);
    default:
      throw new UsageError('expected "outbox status", "outbox list", "outbox show ID" or "outbox replay ID|--all-dead"');
  }
}

async function status(args: string[]): Promise<number> {
  const { values } = parseCommand(OUTBOX_STATUS, args);
  const targets = await readThrough<TargetSummary[]>({
    command: 'outbox status',
    url: values.url,
    viaHub: async (hub) => (await hub.json<{ targets: TargetSummary[] }>('/api/v1/deliveries/summary'))?.targets ?? [],
    viaDatabase: async (db) => toWire(await (await import('../core/outbox/outbox-summary')).summarizeOutbox(db)),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(targets, null, 2)}\n`);
  else process.stdout.write(targets.length === 0 ? 'nothing waiting and no dead letters: every delivery was delivered\n' : `${targets.map((t) => targetLine(t, new Date())).join('\n')}\n`);
  return 0;
}

/** One duty target in words: what waits, since when, what failed last. */
function targetLine(t: TargetSummary, now: Date): string {
  const counts = [`${t.queued} queued`, `${t.retrying} retrying`, `${t.inFlight} in flight`, `${t.dead} dead`].join(', ');
  const lines = [`${t.connector} → ${t.target || '(unnamed target)'}: ${counts}`];
  if (t.oldestWaitingSince) lines.push(`  oldest waiting since ${t.oldestWaitingSince} (${ago(t.oldestWaitingSince, now)})`);
  if (t.nextAttemptAt) lines.push(`  next retry at ${t.nextAttemptAt}`);
  if (t.breaker) lines.push(`  ${breakerLine(t.breaker)}`);
  if (t.lastError) lines.push(`  last error: ${t.lastError}`);
  return lines.join('\n');
}

/** A breaker in words: what holds the deliveries, since when, and when it tries again. */
function breakerLine(b: BreakerView): string {
  const what = b.target === '' ? `every delivery through ${b.connector} is paused` : b.state === 'half_open' ? 'breaker half-open: a probe is in flight' : 'breaker open: deliveries are held';
  const why = b.reason === 'auth' ? 'credentials refused' : `${b.failures} failed attempts in a row`;
  const since = b.since ? ` since ${b.since}` : '';
  const probe = b.nextProbeAt && b.state === 'open' ? `, next probe at ${b.nextProbeAt}` : '';
  return `${what} (${why})${since}${probe}`;
}

function ago(iso: string, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));
  return minutes < 60 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommand(OUTBOX_LIST, args);
  const status = values.status;
  if (status !== undefined && !isDeliveryStatus(status)) {
    throw new UsageError(`--status: expected one of ${DELIVERY_STATUSES.join(', ')}`);
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit: expected an integer 1-10000');
  const filter: { limit: number; status?: DeliveryStatus } = { limit, ...(status ? { status } : {}) };
  const rows = await readThrough<Delivery[]>({
    command: 'outbox list',
    url: values.url,
    viaHub: async (hub) => {
      // The hub serves at most 500 a request, and deliveries have no page cursor to go further.
      if (limit > 500) throw new UsageError('--limit: at most 500 through a running hub (up to 10000 reading the database with the hub stopped)');
      return (await hub.json<{ items: Delivery[] }>(`/api/v1/deliveries?${new URLSearchParams({ limit: String(limit), ...(status ? { status } : {}) }).toString()}`))?.items ?? [];
    },
    viaDatabase: async (db) => toWire(await (await store(db)).list(filter)),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else process.stdout.write(rows.length === 0 ? 'no deliveries\n' : `${rows.map(summary).join('\n')}\n`);
  return 0;
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(OUTBOX_SHOW, args);
  const id = requireId(positionals[0]);
  const row = await readThrough<Delivery | undefined>({
    command: 'outbox show',
    url: values.url,
    viaHub: (hub) => hub.json<Delivery>(`/api/v1/deliveries/${id}`, { allowNotFound: true }),
    viaDatabase: async (db) => {
      const found = await (await store(db)).get(id);
      return found && toWire(found);
    },
  });
  if (!row) {
    process.stderr.write(`no delivery ${id}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
  return 0;
}

async function replay(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(OUTBOX_REPLAY, args);
  const id = positionals[0] === undefined ? undefined : requireId(positionals[0]);
  if (!id && !values['all-dead']) throw new UsageError('outbox replay needs a delivery ID or --all-dead');
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime())) throw new UsageError('--since: expected an ISO 8601 instant');
  const { withDatabase } = await import('./open-database');
  const replayed = await withDatabase((db) =>
    withProgress(id ? 'replaying the dead letter…' : 'replaying dead letters…', async () =>
      (await store(db)).replay({ ...(id ? { id } : {}), ...(since ? { since } : {}), ...(values.connector ? { connector: values.connector } : {}) }, new Date()),
    ),
  );
  process.stdout.write(`${replayed.length} dead letter(s) queued again${replayed.length ? `: ${replayed.join(', ')}` : ''}\n`);
  return id && replayed.length === 0 ? 1 : 0;
}

/** The store is loaded only on the database path: a read through the hub never needs it (nor TypeORM). */
async function store(db: Database): Promise<OutboxStore> {
  return new (await import('../core/outbox/outbox-store')).OutboxStore(db);
}

function requireId(value: string | undefined): string {
  if (!value || !UUID.test(value)) throw new UsageError('expected a delivery id (a UUID)');
  return value;
}

function summary(row: Delivery): string {
  const error = row.last_error ? `  last error: ${row.last_error}` : '';
  return `${row.id}  ${row.status.padEnd(9)}  ${row.connector}/${row.kind}  attempts ${row.attempts}  ${row.updated_at}${error}`;
}
