import { type Clock, ConnectorError, type ConnectorLogger, type InboundAuthor, type InboundMessage, type InquiryService, type StaffService } from 'replywatch/sdk';
import { type ChatAliases } from './chat-aliases';
import { type DutyChats } from './duty-chats';
import { formatHotList, HELP_TEXT } from './hot-list';
import { type RolesManager } from './roles-manager';
import { SameSecondOrder } from './same-second-order';
import { type ReportCommands } from './report-commands';
import { type StaffCommands } from './staff-commands';
import { splitText } from './pacer';
import { mapGroupMessage, parseCommand, type ParsedCommand } from './telegram.mapper';
import { type TelegramSession } from './telegram-session';
import { threadOf, type WireCallbackQuery, type WireMessage } from './telegram.wire';

export interface RouterParts {
  reports: ReportCommands;
  dutyChats: DutyChats;
  aliases: ChatAliases;
  staff: StaffService;
  roles: RolesManager;
  staffCommands: StaffCommands;
  inquiries: InquiryService;
  clock: Clock;
  logger: ConnectorLogger;
}

/**
 * Decides what each update means. Three kinds of chat: duty chats (commands only, never
 * recorded), private chats (commands from staff only), and every other group, which is a
 * customer's: its messages are recorded and the bot never answers there.
 */
export class TelegramRouter {
  private session: TelegramSession | undefined;
  readonly ignored = new Map<string, number>();
  private readonly order = new SameSecondOrder();

  constructor(private readonly parts: RouterParts) {}

  attach(session: TelegramSession | undefined): void {
    this.session = session;
  }

  async onMessage(updateId: number, message: WireMessage | undefined): Promise<void> {
    const session = this.requireSession();
    if (!message || typeof message.chat?.id !== 'number' || typeof message.message_id !== 'number') return this.ignore('malformed message');
    if (message.chat.type === 'private') return this.onPrivate(session, message);
    if (this.parts.dutyChats.has(message.chat.id)) return this.onDutyChat(session, message);
    if (message.chat.type !== 'group' && message.chat.type !== 'supergroup') return this.ignore(`chat type ${message.chat.type}`);
    return this.onCustomerChat(session, updateId, message);
  }

  onEdited(): void {
    // An edit is the same message said again; it neither opens nor answers anything.
    this.ignore('edited message');
  }

  async onCallback(query: WireCallbackQuery | undefined): Promise<void> {
    const session = this.requireSession();
    if (!query || typeof query.id !== 'string' || typeof query.from?.id !== 'number') return this.ignore('malformed callback query');
    await this.parts.roles.onCallback(session, query);
  }

  private async onCustomerChat(session: TelegramSession, updateId: number, message: WireMessage): Promise<void> {
    const event = mapGroupMessage(message, {
      botUsername: session.botUsername,
      staffChannels: new Set(session.config.channelSenders.staff),
      otherChannels: session.config.channelSenders.others,
      maxTextLength: session.config.maxTextLength,
    });
    switch (event.kind) {
      case 'ignored':
        return this.ignore(event.reason);
      case 'topic-title':
      case 'chat-title':
        return session.sink.conversationTitle(event.conversationId, event.title);
      case 'topic-closed':
        return this.closeTopic(session, event.conversationId);
      case 'chat-migrated':
        return this.migrate(session, event.from, event.to);
      case 'message':
        return this.onGroupMessage(session, updateId, event.message, event.command, message.chat.id);
    }
  }

  private async onGroupMessage(session: TelegramSession, updateId: number, mapped: InboundMessage, command: ParsedCommand | undefined, chatId: number): Promise<void> {
    const message = { ...mapped, sentAt: this.order.stamp(chatId, Math.floor(mapped.sentAt.getTime() / 1000)) };
    if (command && (await this.isStaff(message.author))) {
      if (this.parts.staffCommands.isInquiryCommand(command.name)) {
        return this.parts.staffCommands.run(session, updateId, { ...command, name: command.name }, message);
      }
      // Other commands would need an answer, and the customer's chat gets none.
      return this.ignore(`staff command /${command.name} in a customer chat`);
    }
    try {
      await session.sink.accept(message);
    } catch (error) {
      // A message the hub refuses for good (a date from a broken clock, say) must not hold up
      // the updates behind it: it is logged and confirmed like an ignored update.
      if (!ConnectorError.is(error) || error.code !== 'INVALID_PAYLOAD') throw error;
      this.parts.logger.warn(`update ${updateId}: ${error.message}; skipped`);
      this.ignore('refused by the hub');
    }
  }

  /** The hub decides who is staff (rules, the /roles roster, hints); the connector only asks. */
  private async isStaff(author: InboundAuthor): Promise<boolean> {
    return (await this.parts.staff.roleOf(author)) === 'staff';
  }

  private async closeTopic(session: TelegramSession, conversationId: string): Promise<void> {
    const { resolvedInquiryId } = await session.sink.conversationClosed(conversationId, 'the forum topic was closed');
    if (resolvedInquiryId) this.parts.logger.info(`topic ${conversationId} closed; resolved its waiting inquiry ${resolvedInquiryId}`);
  }

  private async migrate(session: TelegramSession, from: number, to: number): Promise<void> {
    await this.parts.aliases.record(from, to);
    const { moved } = await session.sink.conversationRekeyed(String(from), String(to), { childSeparator: ':' });
    if (moved > 0) this.parts.logger.info(`group ${from} became supergroup ${to}; ${moved} conversation(s) moved with their history`);
  }

  private async onDutyChat(session: TelegramSession, message: WireMessage): Promise<void> {
    const command = parseCommand(message, session.botUsername);
    if (!command || !message.from) return;
    await this.answerCommand(session, message, command);
  }

  private async onPrivate(session: TelegramSession, message: WireMessage): Promise<void> {
    const from = message.from;
    if (!from) return;
    const staff = (await this.parts.roles.isBotAdmin(session, from.id)) || (await this.parts.staff.member(String(from.id))) !== undefined;
    // The bot is not a support channel: strangers writing to it get no answer at all.
    if (!staff) return this.ignore('private message from someone who is not staff');
    const command = parseCommand(message, session.botUsername);
    if (command) return this.answerCommand(session, message, command);
    if (await this.parts.roles.onPrivateInput(session, message)) return;
    await this.reply(session, message, HELP_TEXT);
  }

  private async answerCommand(session: TelegramSession, message: WireMessage, command: ParsedCommand): Promise<void> {
    switch (command.name) {
      case 'hot':
        return this.reply(session, message, await this.hotList());
      case 'roles':
        return this.parts.roles.onCommand(session, message, command.args);
      case 'slastat':
        return this.reply(session, message, await this.parts.reports.slastat(command.args));
      case 'report':
        return this.sendReport(session, message, command.args);
      case 'help':
      case 'start':
        return this.reply(session, message, HELP_TEXT);
      default:
        return this.ignore(`unknown command /${command.name}`);
    }
  }

  private async hotList(): Promise<string> {
    const items = await this.parts.inquiries.waiting({ limit: 20 });
    return formatHotList(items, this.parts.clock.now(), await this.parts.reports.breachedThisMonth());
  }

  private async sendReport(session: TelegramSession, to: WireMessage, args: string): Promise<void> {
    const outcome = await this.parts.reports.csv(args);
    if (typeof outcome === 'string') return this.reply(session, to, outcome);
    try {
      await session.telegram.sendDocument(to.chat.id, outcome.file, { caption: outcome.caption, ...threadOf(to) });
    } finally {
      await outcome.dispose();
    }
  }

  private async reply(session: TelegramSession, to: WireMessage, text: string): Promise<void> {
    for (const part of splitText(text)) await session.telegram.sendMessage(to.chat.id, part, threadOf(to));
  }

  private ignore(reason: string): void {
    this.ignored.set(reason, (this.ignored.get(reason) ?? 0) + 1);
  }

  private requireSession(): TelegramSession {
    if (!this.session) throw new Error('the Telegram connector is not running');
    return this.session;
  }
}
