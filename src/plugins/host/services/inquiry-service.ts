import { type CommandOutcome, type InquiryCommand, type InquiryService, type OpenInquiry, type WaitingInquiry } from '../../sdk/services';
import { type ConversationDirectory } from '../../../core/conversations/conversation-directory';
import { type InquiryCommands } from '../../../core/inquiries/inquiry-commands';
import { openingMessages, type InquiryQueries } from '../../../core/inquiries/inquiry-queries';
import { conversationRef } from '../../../core/outbox/payload-builder';
import { type Database } from '../../../core/persistence/database';

/** Inquiry reads and commands for one connector; commands reach only its own channel's inquiries. */
export class ConnectorInquiries implements InquiryService {
  constructor(
    private readonly channel: string | undefined,
    private readonly db: Database,
    private readonly queries: InquiryQueries,
    private readonly commands: InquiryCommands,
    private readonly directory: ConversationDirectory,
  ) {}

  async waiting(options: { limit?: number } = {}): Promise<WaitingInquiry[]> {
    const items = await this.queries.waiting({ limit: Math.min(Math.max(options.limit ?? 20, 1), 500) });
    const openings = await openingMessages(this.db, items.map((i) => i.id));
    return items.map((item) => ({
      id: item.id,
      status: item.status === 'on_hold' ? 'on_hold' : 'open',
      conversation: conversationRef({
        channel: item.conversation.channel,
        externalId: item.conversation.id,
        title: item.conversation.title,
        openingMessageId: openings.get(item.id)?.externalId ?? null,
        link: openings.get(item.id)?.link ?? null,
      }),
      openedAt: item.openedAt,
      policy: item.sla?.policy ?? null,
      dueAt: item.sla?.dueAt ?? null,
    }));
  }

  async openIn(conversationId: string): Promise<OpenInquiry | undefined> {
    if (this.channel === undefined) return undefined;
    return this.directory.openInquiry(this.channel, conversationId);
  }

  async run(command: InquiryCommand, inquiryId: string, input: { by: string; reason?: string }): Promise<CommandOutcome> {
    const [row] = await this.db.query<{ channel: string }>(
      `SELECT c.channel FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE i.id::text = $1`,
      [inquiryId],
    );
    if (!row || row.channel !== this.channel) return { ok: false, code: 'not_found', message: `no inquiry ${inquiryId} on channel ${this.channel ?? '(none)'}` };
    const outcome = await this.commands.run(command, inquiryId, input);
    return outcome.ok ? { ok: true, status: outcome.status } : outcome;
  }
}
