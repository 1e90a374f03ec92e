import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type ConnectorContext,
  type ConnectorDatabase,
  type ConnectorDefinition,
  type ConnectorLogger,
  type DutyTarget,
  type Health,
  type Notice,
  type OpenInquiry,
  type RouteService,
  type ServiceName,
  type StaffMember,
  type WaitingInquiry,
} from '../sdk';
import { TestInquiryService, TestNoticeService, TestStaffService, type RecordedCommand } from './hub-services';
import { MemoryStateStore } from './memory-state-store';
import { TestReportService } from './report-service';
import { RouteServer } from './route-server';
import { refused, type ServiceOf } from './refused-service';
import { TestClock } from './test-clock';
import { TestTicketService } from './ticket-service';
import { LoopRegistry } from './work-loops';

export interface TestContextOptions {
  /** The connector's section as it would be written in hub.yaml; validated with its schema. */
  config: unknown;
  /** Default: a TestClock with autoAdvance, so loops run without a test driving time. */
  clock?: TestClock;
  /** Share one store between two contexts to test a restart. */
  state?: MemoryStateStore;
  dutyTargets?: DutyTarget[];
  /** What `ctx.rules.ticketTargets()` returns. */
  ticketTargets?: DutyTarget[];
  /** Staff listed in the rules (read-only); the roster starts empty. */
  staff?: StaffMember[];
  waiting?: WaitingInquiry[];
  /** What `inquiries.openIn(conversationId)` returns, by conversation id. */
  openInquiries?: Readonly<Record<string, OpenInquiry>>;
  /** Serve routes on this server (left open by dispose) instead of one of the context's own. */
  routeServer?: RouteServer;
  /**
   * `ctx.database`, for a connector that declares it: build it with createConnectorDatabase,
   * which applies the manifest's migrations. Share one between two contexts to test a restart.
   */
  database?: ConnectorDatabase;
  /** The folder relative paths in the connector's settings start at (hub.yaml's); default: the working directory. */
  configDir?: string;
  /** `ctx.tickets`: seed it with the links the hub would hold; default an empty one. */
  tickets?: TestTicketService;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface HealthLog {
  /** The last report, undefined until the connector reports. */
  readonly last: Health | undefined;
  readonly reports: readonly Health[];
}

export interface TestContext<C> {
  context: ConnectorContext<C>;
  clock: TestClock;
  state: MemoryStateStore;
  logs: LogLine[];
  health: HealthLog;
  routes: { url(): Promise<string> };
  /** Commands run through `ctx.inquiries.run`. */
  commands: RecordedCommand[];
  /** Notices accepted by `ctx.notices.send`. */
  notices: Notice[];
  /** `ctx.tickets`, with what the connector reported back. */
  tickets: TestTicketService;
  /** Stops singletons and jobs, removes routes, closes the route server it owns. */
  dispose(): Promise<void>;
}

/** A full in-memory ConnectorContext for one connector, refusing the services it did not declare. */
export function createTestContext<C>(definition: ConnectorDefinition<C>, options: TestContextOptions): TestContext<C> {
  const { manifest } = definition;
  const config = parseConfig(definition, options.config);
  const clock = options.clock ?? new TestClock({ autoAdvance: true });
  const state = options.state ?? new MemoryStateStore(clock);
  const logs: LogLine[] = [];
  const logger = loggerInto(logs);
  const reports: Health[] = [];
  const health = { reports, get last(): Health | undefined { return reports.at(-1); } };
  const routeServer = options.routeServer ?? new RouteServer();
  const unregister: Array<() => void> = [];
  const loops = new LoopRegistry(clock, logger);
  const inquiries = new TestInquiryService(options.waiting ?? [], options.openInquiries ?? {});
  const dutyTargets = (): DutyTarget[] => [...(options.dutyTargets ?? [])];
  const notices = new TestNoticeService(dutyTargets, logger);
  const tickets = options.tickets ?? new TestTicketService();
  const dataDir = mkdtempSync(join(tmpdir(), `replywatch-kit-${manifest.id}-`));

  const routes: RouteService = {
    post: (path, handler, routeOptions) => void unregister.push(routeServer.register('POST', path, handler, routeOptions ?? {}, logger)),
    get: (path, handler) => void unregister.push(routeServer.register('GET', path, handler, {}, logger)),
  };
  const declared = new Set<ServiceName>(manifest.services ?? []);
  const offer = <K extends ServiceName>(name: K, service: ServiceOf<K>): ServiceOf<K> => (declared.has(name) ? service : refused(manifest.id, name));

  const context: ConnectorContext<C> = {
    id: manifest.id,
    channel: manifest.channel,
    config,
    logger,
    clock,
    health: { report: (h) => void reports.push({ ...h }) },
    hub: { dataDir, backend: 'embedded', resolvePath: (written) => resolve(options.configDir ?? '.', written) },
    rules: { dutyTargets, ticketTargets: () => [...(options.ticketTargets ?? [])] },
    state: offer('state', state),
    database: offer('database', options.database ?? unavailableDatabase(manifest.id)),
    singleton: offer('singleton', loops.singleton),
    scheduler: offer('scheduler', loops.scheduler),
    routes: offer('routes', routes),
    inquiries: offer('inquiries', inquiries),
    staff: offer('staff', new TestStaffService(options.staff ?? [])),
    reports: offer('reports', new TestReportService(clock)),
    notices: offer('notices', notices),
    tickets: offer('tickets', tickets),
  };

  let disposed = false;
  return {
    context,
    clock,
    state,
    logs,
    health,
    routes: { url: () => routeServer.url() },
    commands: inquiries.commands,
    notices: notices.sent,
    tickets,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await loops.stopAll();
      for (const remove of unregister) remove();
      if (!options.routeServer) await routeServer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Validates like the hub: the error names the fields at fault and never echoes a value. */
function parseConfig<C>(definition: ConnectorDefinition<C>, raw: unknown): C {
  const parsed = definition.manifest.configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '[') : '(root)';
    const keys = issue.keys ? ` (${issue.keys.join(', ')})` : '';
    return `  ${path}: ${issue.message}${keys}`;
  });
  throw new Error(`connector ${definition.manifest.id}: config does not match manifest.configSchema:\n${issues.join('\n')}`);
}

function loggerInto(logs: LogLine[]): ConnectorLogger {
  const at = (level: LogLine['level']) => (message: string) => void logs.push({ level, message });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** What a connector that declares `database` gets when the test gave none: an error saying how to give one. */
function unavailableDatabase(connectorId: string): ConnectorDatabase {
  const fail = (): never => {
    throw new Error(
      `ctx.database is not available in the test kit without a database: pass createTestContext(definition, { database: await createConnectorDatabase(kitDatabase, definition) }) (connector ${connectorId})`,
    );
  };
  return {
    get schema(): string {
      return fail();
    },
    query: fail,
    transaction: fail,
  };
}
