import { type InquiryView } from '../core/inquiries/inquiry-queries';
import { INQUIRY_STATUSES, type InquiryStatus, isInquiryStatus } from '../core/persistence/statuses';
import { INQUIRIES } from './commands';
import { inquiryTable } from './inquiry-table';
import { parseCommand } from './parse-command';
import { readThrough } from './read-through';
import { UsageError } from './usage-error';

/** `replywatch inquiries [--status S] [--conversation ID] [--channel ID] [--limit N] [--json]` */
export async function runInquiries(args: string[]): Promise<number> {
  const { values } = parseCommand(INQUIRIES, args);
  const status = values.status;
  if (status !== undefined && !isInquiryStatus(status)) throw new UsageError(`--status: expected one of ${INQUIRY_STATUSES.join(', ')}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit: expected an integer 1-500');
  const filter: { status?: InquiryStatus; conversation?: string; channel?: string; limit: number } = {
    limit,
    ...(status ? { status } : {}),
    ...(values.conversation ? { conversation: values.conversation } : {}),
    ...(values.channel ? { channel: values.channel } : {}),
  };
  const items = await readThrough<InquiryView[]>({
    command: 'inquiries',
    url: values.url,
    viaHub: async (hub) => (await hub.json<{ items: InquiryView[] }>(`/api/v1/inquiries?${query(filter)}`))?.items ?? [],
    // Loaded here: a read through the hub never needs the query layer (Nest, TypeORM).
    viaDatabase: async (db) => new (await import('../core/inquiries/inquiry-queries')).InquiryQueries(db).list(filter),
  });
  process.stdout.write(values.json ? `${JSON.stringify(items, null, 2)}\n` : inquiryTable(items));
  return 0;
}

function query(filter: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(filter).map(([name, value]): [string, string] => [name, String(value)])).toString();
}
