import { type RouteHandler, type RouteOptions } from './http';
import { type AuthorRole, type InboundAuthor } from './message';
import { type ConversationRef } from './payloads';

/**
 * The services the hub gives a connector, each scoped to it. A connector names the optional
 * ones it uses in `manifest.services`; the hub sets up only those, lists them at start, and
 * refuses the use of one that was not declared.
 */
export const SERVICE_NAMES = ['state', 'database', 'singleton', 'scheduler', 'routes', 'inquiries', 'staff', 'reports', 'notices', 'tickets'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ConnectorLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The hub's clock. Use it instead of Date.now() and setTimeout, so tests can run on virtual time. */
export interface Clock {
  /** Current instant, epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type HealthStatus = 'up' | 'degraded' | 'down';

export interface Health {
  status: HealthStatus;
  /** A short reason for operators; never a secret (the hub scrubs configured secrets anyway). */
  detail?: string;
  /**
   * The state of each thing the connector watches on its own (a mailbox, a poller), since
   * contract 2.2: shown on /health/ready and exported as metrics per part.
   */
  parts?: HealthPart[];
}

/** One watched thing of a connector, for operators and metrics. */
export interface HealthPart {
  /** Stable within the connector, e.g. `support/INBOX`. */
  name: string;
  status: HealthStatus;
  /** What it is doing (`idling`, `standby`) or why it is down. */
  detail?: string;
  /** Items found but not yet handed to the hub. */
  backlog?: number;
  /** When it last caught up completely (ISO 8601). */
  lastSyncAt?: string;
}

/** Shown on /health/ready and in metrics as soon as it is reported. */
export interface HealthReporter {
  report(health: Health): void;
}

export interface HubInfo {
  /** A directory the hub keeps its files in; a connector may keep files under it. */
  readonly dataDir: string;
  readonly backend: 'embedded' | 'server';
  /**
   * A path from the connector's settings made absolute as the operator expects: a relative
   * one starts at hub.yaml's folder, wherever the hub was started from (at the working
   * directory when there is no hub.yaml). Since contract 2.8.
   */
  resolvePath(written: string): string;
}

/** A duty target of the rules that names this connector: where it may speak. */
export interface DutyTarget {
  name: string;
  /** The `to:` fields as written in the rules (validated by `manifest.targetSchema`). */
  to: Record<string, unknown>;
}

/** The parts of the runbook a connector may read; always current after a reload. */
export interface RulesView {
  dutyTargets(): DutyTarget[];
  /**
   * The ticket targets of the rules that name this connector (since 2.9), in the same shape:
   * for a verify() that checks each queue or group exists.
   */
  ticketTargets(): DutyTarget[];
}

// ---------------------------------------------------------------------------------------
// state: key → JSON per connector, shared by every replica

export interface StoredValue<T> {
  value: T;
  /** Increases with every write; the token for compareAndSet. */
  version: number;
}

export interface StateWriteOptions {
  /** Forget the key after this long (the hub purges expired keys). */
  ttlMs?: number;
}

export interface StateStore {
  get<T = unknown>(key: string): Promise<StoredValue<T> | undefined>;
  /** Writes unconditionally; returns the new version. */
  set<T>(key: string, value: T, options?: StateWriteOptions): Promise<number>;
  /**
   * Writes only if the stored version is still `expectedVersion` (`undefined`: only if the key
   * is absent). Returns the new version, or false when another writer came first.
   */
  compareAndSet<T>(key: string, expectedVersion: number | undefined, value: T, options?: StateWriteOptions): Promise<number | false>;
  delete(key: string): Promise<boolean>;
  /** Keys starting with `prefix`, in key order. */
  list<T = unknown>(prefix: string, options?: { limit?: number }): Promise<Array<{ key: string } & StoredValue<T>>>;
}

// ---------------------------------------------------------------------------------------
// database: the connector's own tables, for what key-value cannot hold

export interface ConnectorMigration {
  /** Unique within the connector and never renamed: applied once, in the order listed. */
  name: string;
  /** SQL run inside the connector's own schema (unqualified names land there). */
  up: string;
}

export interface SqlRunner {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface ConnectorDatabase extends SqlRunner {
  /** The PostgreSQL schema holding this connector's tables. */
  readonly schema: string;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
}

// ---------------------------------------------------------------------------------------
// singleton and scheduler: work done once across replicas

export interface SingletonOptions {
  /** How long a holder that stopped renewing (killed, cut off) keeps the work; default 15 s. */
  leaseMs?: number;
}

export interface SingletonHandle {
  /** Whether this replica holds the lease right now. */
  readonly held: boolean;
  /** Aborts the work, waits for it to return, and hands the lease back. */
  stop(): Promise<void>;
}

export interface SingletonService {
  /**
   * Runs `work` on one replica at a time. The hub competes for a lease, renews it while
   * `work` runs, and calls `work` again when it returns. When it throws, the hub waits —
   * `retryAfterMs` of a ConnectorError, else a backoff from 1 s to 60 s (AUTH_FAILED: 5 min)
   * — and calls it again. `signal` aborts when the lease is lost or the hub stops: return
   * promptly then. Connectors never write retry loops of their own.
   */
  run(name: string, work: (signal: AbortSignal) => Promise<void>, options?: SingletonOptions): SingletonHandle;
}

export interface ScheduleOptions {
  /** Wait before the first run on a fresh install; default: run at once. */
  initialDelayMs?: number;
}

export interface ScheduledJob {
  stop(): Promise<void>;
}

export interface SchedulerService {
  /**
   * Runs `work` every `intervalMs`, once across all replicas for each due time (a replica
   * claims the run in the database). A run that throws is logged and tried at the next time,
   * or later when a ConnectorError asked for a longer wait (`retryAfterMs`).
   */
  every(name: string, intervalMs: number, work: (signal: AbortSignal) => Promise<void>, options?: ScheduleOptions): ScheduledJob;
}

// ---------------------------------------------------------------------------------------
// routes: HTTP endpoints (webhooks) served by the hub

export interface RouteService {
  /**
   * Serves `path` (exact, starting with `/`; by convention `/<connector id>/…`) on the hub's
   * port. The hub enforces the body limit and content type, hands over the raw bytes, and
   * answers problem+json for a thrown HttpProblem and a bare 500 for anything else.
   */
  post(path: string, handler: RouteHandler, options?: RouteOptions): void;
  get(path: string, handler: RouteHandler): void;
}

// ---------------------------------------------------------------------------------------
// inquiries: the same operations as the admin API and its commands

export const INQUIRY_COMMANDS = ['hold', 'resume', 'resolve', 'escalate'] as const;
export type InquiryCommand = (typeof INQUIRY_COMMANDS)[number];

export type InquiryStatus = 'open' | 'on_hold' | 'answered' | 'resolved';

export type CommandOutcome = { ok: true; status: InquiryStatus } | { ok: false; code: 'not_found' | 'conflict' | 'cooldown'; message: string };

export interface OpenInquiry {
  inquiryId: string;
  status: 'open' | 'on_hold';
  title: string | null;
}

export interface WaitingInquiry {
  id: string;
  status: 'open' | 'on_hold';
  conversation: ConversationRef;
  openedAt: string;
  policy: string | null;
  dueAt: string | null;
}

export interface InquiryService {
  /** Inquiries waiting for staff on every channel, nearest deadline first. */
  waiting(options?: { limit?: number }): Promise<WaitingInquiry[]>;
  /** The inquiry waiting in one of this connector's conversations, if any. */
  openIn(conversationId: string): Promise<OpenInquiry | undefined>;
  /** Runs a command on an inquiry of this connector's channel; `by` is recorded with it. */
  run(command: InquiryCommand, inquiryId: string, input: { by: string; reason?: string }): Promise<CommandOutcome>;
}

// ---------------------------------------------------------------------------------------
// staff: who is staff on this connector's channel, decided by the hub

export const STAFF_ROLES = ['admin', 'support', 'sales'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffMember {
  /** The author id on this channel. */
  id: string;
  name: string | null;
  role: StaffRole;
  /** `rules`: listed in rules.yaml (read-only); `roster`: added at run time. */
  source: 'rules' | 'roster';
}

export type RosterChange = 'added' | 'changed' | 'unchanged';

export interface StaffService {
  /** The role the hub gives this author (rules staff, the roster, then the connector's hints). */
  roleOf(author: InboundAuthor): Promise<AuthorRole>;
  /** The staff member with this author id, from the rules or the roster. */
  member(authorId: string): Promise<StaffMember | undefined>;
  /** Everyone on this channel: rules staff with an id identity, then the roster. */
  list(): Promise<StaffMember[]>;
  /** Adds or changes a roster entry; `actor` goes to the audit log. */
  add(entry: { id: string; role: StaffRole; name: string | null }, actor: string): Promise<RosterChange>;
  remove(authorId: string, actor: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------
// reports: the figures of /slastat, /report and the CSV export

export interface ReportPeriod {
  label: string;
  from: Date;
  to: Date;
  /** The IANA zone its days were counted in; absent: the runbook's `reports.timezone`. */
  timezone?: string;
}

export interface HotConversation {
  channel: string;
  conversation: string;
  title: string | null;
  inquiries: number;
  breaches: number;
  slowestBusinessMinutes: number | null;
  /** Keys of the conversation's open helpdesk tickets (since 2.9; absent when none). */
  tickets?: string[];
}

export interface ReportService {
  /** The runbook's report time zone (rules.yaml `reports.timezone`). */
  timezone(): string;
  /**
   * Reads a period as people type it (`last-month`, `q3`, `2026-Q3`, `2026-10-01 2026-10-31`),
   * `fallback` when `words` is empty; `{ error }` says what was wrong. Days are counted in
   * `timezone()`, or in the zone a last word names (`last-month Asia/Tokyo`).
   */
  period(words: readonly string[], fallback: string): ReportPeriod | { error: string };
  /** The figures as text, the same as `replywatch report` prints. */
  text(period: ReportPeriod): Promise<string>;
  hotConversations(period: ReportPeriod, limit: number): Promise<HotConversation[]>;
  /**
   * Writes the CSV of every inquiry opened in the period, page by page; returns the rows
   * written. Times are in `timezone` (default: the runbook's report time zone).
   */
  csv(period: ReportPeriod, write: (chunk: string) => Promise<void>, options?: { bom?: boolean; timezone?: string }): Promise<number>;
  /** The file name the hub gives a period's export, e.g. `replywatch-2026-Q4.csv`. */
  fileName(label: string): string;
}

// ---------------------------------------------------------------------------------------
// notices: a word to the duty targets through the outbox

export interface Notice {
  /** A duty target's name from the rules. */
  target: string;
  /** Sending the same key twice sends once (e.g. derived from an update id). */
  key: string;
  topic: string;
  text: string;
  inquiryId?: string;
  /** A conversation of this connector's channel the notice is about. */
  conversation?: { id: string; title?: string | null };
}

export interface NoticeService {
  /** Queues the notice; false when that key was sent before or the target is unknown. */
  send(notice: Notice): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------
// tickets: the helpdesk side of the hub's ticket links (since 2.9)

/** A ticket the hub linked to a conversation through one of this connector's ticket targets. */
export interface TicketLink {
  /** The hub's id of the link: the `ticket.ref` of every ticket payload. */
  ref: string;
  /** The ticket target in the rules. */
  target: string;
  /** The helpdesk's id of the ticket. */
  id: string;
  key: string | null;
  url: string | null;
  conversation: ConversationRef;
  /** When the ticket was made (ISO 8601). */
  createdAt: string;
  /** Inquiries of the conversation the ticket carries that still wait for staff. */
  waiting: string[];
}

export interface TicketService {
  /** Open tickets of this connector's targets, least recently checked first: what a poller walks. */
  open(options?: { limit?: number }): Promise<TicketLink[]>;
  /** The open link of a ticket by the helpdesk's id (a webhook names the ticket), if any. */
  find(ticketId: string): Promise<TicketLink | undefined>;
  /** A poller looked at this ticket now: it moves to the back of `open()`. */
  checked(ref: string): Promise<void>;
  /**
   * The ticket was solved or closed in the helpdesk: every inquiry it carries is resolved and
   * the link is closed. Idempotent; answers how many inquiries it resolved.
   */
  closed(ref: string, input: { by: string; reason?: string }): Promise<number>;
  /**
   * A public answer by an agent in the helpdesk at `at`. When the ticket target counts these
   * (`agentRepliesAnswer` in the rules), the waiting inquiries it carries are answered then;
   * otherwise nothing changes. Idempotent; answers how many inquiries it answered.
   */
  answered(ref: string, input: { by: string; at: Date }): Promise<number>;
}
