import {
  type ConnectorDatabase,
  type InquiryService,
  type NoticeService,
  type ReportService,
  type RouteService,
  type SchedulerService,
  type ServiceName,
  type SingletonService,
  type StaffService,
  type StateStore,
  type TicketService,
} from '../sdk';

export interface Services {
  state: StateStore;
  database: ConnectorDatabase;
  singleton: SingletonService;
  scheduler: SchedulerService;
  routes: RouteService;
  inquiries: InquiryService;
  staff: StaffService;
  reports: ReportService;
  notices: NoticeService;
  tickets: TicketService;
}

/** The service object behind `ctx.<name>`. */
export type ServiceOf<K extends ServiceName> = Services[K];

type Member = 'method' | 'property';

// Complete by construction: a member added to an SDK interface fails to compile here.
const MEMBERS: { [K in ServiceName]: Record<keyof Services[K], Member> } = {
  state: { get: 'method', set: 'method', compareAndSet: 'method', delete: 'method', list: 'method' },
  database: { schema: 'property', query: 'method', transaction: 'method' },
  singleton: { run: 'method' },
  scheduler: { every: 'method' },
  routes: { post: 'method', get: 'method' },
  inquiries: { waiting: 'method', openIn: 'method', run: 'method' },
  staff: { roleOf: 'method', member: 'method', list: 'method', add: 'method', remove: 'method' },
  reports: { timezone: 'method', period: 'method', text: 'method', hotConversations: 'method', csv: 'method', fileName: 'method' },
  notices: { send: 'method' },
  tickets: { open: 'method', find: 'method', checked: 'method', closed: 'method', answered: 'method' },
};

/**
 * A stand-in for a service the manifest does not declare: calling a method (or reading a
 * property) throws the hub's error. Reading `ctx.<name>` alone does not, so destructuring the
 * context stays harmless, as it is in the hub.
 */
export function refused<K extends ServiceName>(connectorId: string, name: K): Services[K] {
  const fail = (): never => {
    throw new Error(`connector ${connectorId} uses ctx.${name} but does not declare "${name}" in manifest.services`);
  };
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(MEMBERS[name] as Record<string, Member>)) {
    if (kind === 'method') out[key] = fail;
    else Object.defineProperty(out, key, { get: fail, enumerable: true });
  }
  return out as unknown as Services[K];
}
