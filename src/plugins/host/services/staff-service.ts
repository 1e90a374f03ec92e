import { type AuthorRole, type InboundAuthor } from '../../sdk/message';
import { type RosterChange, type StaffMember, type StaffRole, type StaffService } from '../../sdk/services';
import { type RulesStore } from '../../../core/rules/rules-store';
import { type StaffRoster } from '../../../core/staff/staff-roster';

/** Who is staff on one connector's channel, answered by the hub's own classifier and roster. */
export class ConnectorStaff implements StaffService {
  constructor(
    private readonly channel: string,
    private readonly rules: RulesStore,
    private readonly roster: StaffRoster,
  ) {}

  async roleOf(author: InboundAuthor): Promise<AuthorRole> {
    await this.roster.refreshIfStale();
    return this.rules.current.classifier.classify(this.channel, author, this.roster).role;
  }

  async member(authorId: string): Promise<StaffMember | undefined> {
    const fromRules = this.rules.current.classifier.memberById(this.channel, authorId);
    if (fromRules) return { id: authorId, name: fromRules.name, role: fromRules.role, source: 'rules' };
    const entry = await this.roster.get(this.channel, authorId);
    return entry ? { id: authorId, name: entry.name, role: entry.role, source: 'roster' } : undefined;
  }

  async list(): Promise<StaffMember[]> {
    const fromRules: StaffMember[] = this.rules.current.rules.staff.flatMap((member) =>
      member.identities.filter((i) => i.channel === this.channel && i.id !== undefined).map((i) => ({ id: i.id as string, name: member.name, role: member.role, source: 'rules' as const })),
    );
    const added = (await this.roster.list(this.channel)).map((e) => ({ id: e.authorId, name: e.name, role: e.role, source: 'roster' as const }));
    return [...fromRules, ...added];
  }

  add(entry: { id: string; role: StaffRole; name: string | null }, actor: string): Promise<RosterChange> {
    return this.roster.add({ channel: this.channel, authorId: entry.id, role: entry.role, name: entry.name }, actor);
  }

  remove(authorId: string, actor: string): Promise<boolean> {
    return this.roster.remove(this.channel, authorId, actor);
  }
}
