import { type AuthorRole, type InboundAuthor } from '../../plugins/sdk/message';
import { type StaffMember, type StaffRole } from '../config/rules.schema';

/** Why an author got their role; stored with each message so a wrong count can be explained. */
export type RoleSource = 'sender' | 'registry' | 'roster' | 'hint' | 'default';

/** Staff added at run time on a channel (see StaffRoster); the classifier only reads it. */
export interface RosterLookup {
  lookup(channel: string, authorId: string): { role: StaffRole; name: string | null } | undefined;
}

export interface Classification {
  role: AuthorRole;
  source: RoleSource;
  staff?: { name: string; role: StaffRole };
}

/**
 * Decides who wrote a message. Order: a role the sender states for certain, then the staff
 * registry (rules.yaml), then the run-time roster, then connector hints (anonymous group admin → staff, automated → bot), and
 * otherwise the author is a customer — an unknown person is always someone to answer.
 */
export class AuthorClassifier {
  private readonly byId = new Map<string, StaffMember>();
  private readonly byEmail = new Map<string, StaffMember>();
  private readonly byDomain = new Map<string, StaffMember>();

  constructor(staff: readonly StaffMember[]) {
    for (const member of staff) {
      for (const identity of member.identities) {
        if (identity.id !== undefined) this.byId.set(key(identity.channel, identity.id), member);
        if (identity.email !== undefined) this.byEmail.set(key(identity.channel, identity.email), member);
        if (identity.domain !== undefined) this.byDomain.set(key(identity.channel, identity.domain), member);
      }
    }
  }

  classify(channel: string, author: InboundAuthor, roster?: RosterLookup): Classification {
    if (author.role) return { role: author.role, source: 'sender' };
    const member = this.findStaff(channel, author);
    if (member) return { role: 'staff', source: 'registry', staff: { name: member.name, role: member.role } };
    const added = roster?.lookup(channel, author.id);
    if (added) return { role: 'staff', source: 'roster', staff: { name: added.name ?? author.name ?? author.id, role: added.role } };
    if (author.hints?.anonymousAdmin) return { role: 'staff', source: 'hint' };
    if (author.hints?.automated) return { role: 'bot', source: 'hint' };
    return { role: 'customer', source: 'default' };
  }

  /** The rules.yaml member with this author id on this channel (id identities only). */
  memberById(channel: string, authorId: string): StaffMember | undefined {
    return this.byId.get(key(channel, authorId));
  }

  private findStaff(channel: string, author: InboundAuthor): StaffMember | undefined {
    const byId = this.byId.get(key(channel, author.id));
    if (byId) return byId;
    const email = (author.email ?? (author.id.includes('@') ? author.id : undefined))?.toLowerCase();
    if (!email) return undefined;
    return this.byEmail.get(key(channel, email)) ?? this.byDomain.get(key(channel, email.slice(email.lastIndexOf('@') + 1)));
  }
}

function key(channel: string, value: string): string {
  return `${channel}\u0000${value}`;
}
