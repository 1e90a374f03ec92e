import {
  type AuthorRole,
  type CommandOutcome,
  type ConnectorLogger,
  type DutyTarget,
  type InboundAuthor,
  type InquiryCommand,
  type InquiryService,
  type InquiryStatus,
  type Notice,
  type NoticeService,
  type OpenInquiry,
  type RosterChange,
  type StaffMember,
  type StaffRole,
  type StaffService,
  type WaitingInquiry,
} from '../sdk';

export interface RecordedCommand {
  command: InquiryCommand;
  inquiryId: string;
  by: string;
  reason: string | undefined;
}

const STATUS_AFTER: Record<InquiryCommand, InquiryStatus> = { hold: 'on_hold', resume: 'open', resolve: 'resolved', escalate: 'open' };

/** Inquiries as configured by the test; commands are recorded and always succeed. */
export class TestInquiryService implements InquiryService {
  readonly commands: RecordedCommand[] = [];

  constructor(
    private readonly waitingList: readonly WaitingInquiry[],
    private readonly open: Readonly<Record<string, OpenInquiry>>,
  ) {}

  waiting(options?: { limit?: number }): Promise<WaitingInquiry[]> {
    return Promise.resolve(this.waitingList.slice(0, options?.limit ?? this.waitingList.length));
  }

  openIn(conversationId: string): Promise<OpenInquiry | undefined> {
    return Promise.resolve(Object.hasOwn(this.open, conversationId) ? this.open[conversationId] : undefined);
  }

  run(command: InquiryCommand, inquiryId: string, input: { by: string; reason?: string }): Promise<CommandOutcome> {
    this.commands.push({ command, inquiryId, by: input.by, reason: input.reason });
    return Promise.resolve({ ok: true, status: STATUS_AFTER[command] });
  }
}

/** Rules staff from the test's options (read-only, as in the hub) plus a roster in memory. */
export class TestStaffService implements StaffService {
  private readonly roster = new Map<string, StaffMember>();

  constructor(private readonly rules: readonly StaffMember[]) {}

  async roleOf(author: InboundAuthor): Promise<AuthorRole> {
    if (author.role) return author.role;
    return (await this.member(author.id)) ? 'staff' : 'customer';
  }

  member(authorId: string): Promise<StaffMember | undefined> {
    return Promise.resolve(this.rules.find((m) => m.id === authorId) ?? this.roster.get(authorId));
  }

  list(): Promise<StaffMember[]> {
    return Promise.resolve([...this.rules, ...this.roster.values()]);
  }

  add(entry: { id: string; role: StaffRole; name: string | null }, _actor: string): Promise<RosterChange> {
    if (this.rules.some((m) => m.id === entry.id)) return Promise.resolve('unchanged');
    const before = this.roster.get(entry.id);
    this.roster.set(entry.id, { ...entry, source: 'roster' });
    if (!before) return Promise.resolve('added');
    return Promise.resolve(before.role === entry.role && before.name === entry.name ? 'unchanged' : 'changed');
  }

  remove(authorId: string, _actor: string): Promise<boolean> {
    return Promise.resolve(this.roster.delete(authorId));
  }
}

/**
 * Notices as the hub queues them: once per key, and only to a duty target the rules name
 * (pass `dutyTargets`); a refusal is logged so a test that forgot the target sees why.
 */
export class TestNoticeService implements NoticeService {
  readonly sent: Notice[] = [];
  private readonly keys = new Set<string>();

  constructor(
    private readonly targets: () => DutyTarget[],
    private readonly logger: ConnectorLogger,
  ) {}

  send(notice: Notice): Promise<boolean> {
    if (this.keys.has(notice.key)) return Promise.resolve(false);
    if (!this.targets().some((t) => t.name === notice.target)) {
      this.logger.warn(`notice "${notice.key}" refused: no duty target "${notice.target}" in the test's dutyTargets`);
      return Promise.resolve(false);
    }
    this.keys.add(notice.key);
    this.sent.push(notice);
    return Promise.resolve(true);
  }
}
