import { type Clock, type ConnectorLogger, STAFF_ROLES, type StaffRole, type StaffService } from 'replywatch/sdk';
import { nameOf } from './telegram.mapper';
import { type TelegramSession } from './telegram-session';
import { threadOf, type WireCallbackQuery, type WireMessage, type WireUser } from './telegram.wire';

/** An admin who pressed "add" and is about to name the person; forgotten after 5 minutes. */
const PENDING_MS = 5 * 60_000;

type Keyboard = { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };

/**
 * /roles: bot admins list, add and remove staff from Telegram. A person is named by replying
 * to their message with `/roles add <role>`, by forwarding one of their messages after
 * pressing "add", or by their numeric user id. Every change lands in the audit log.
 */
export class RolesManager {
  private readonly pending = new Map<number, { role: StaffRole; until: number }>();

  constructor(
    private readonly staff: StaffService,
    private readonly clock: Clock,
    private readonly logger: ConnectorLogger,
  ) {}

  /** Bot admins: listed in the connector's settings, or admins among the hub's staff. */
  async isBotAdmin(session: TelegramSession, userId: number): Promise<boolean> {
    if (session.config.admins.includes(userId)) return true;
    return (await this.staff.member(String(userId)))?.role === 'admin';
  }

  /** `/roles`, `/roles add <role>` (as a reply), `/roles remove <id>`. */
  async onCommand(session: TelegramSession, message: WireMessage, args: string): Promise<void> {
    const from = message.from;
    if (!from) return;
    if (!(await this.isBotAdmin(session, from.id))) {
      this.logger.warn(`refused /roles from user ${from.id} in chat ${message.chat.id}: not a bot admin`);
      await this.reply(session, message, 'Only bot admins can manage roles. Ask one to add you, or list your id under connectors.telegram.admins.');
      return;
    }
    const [verb, value] = args.split(/\s+/, 2);
    if (verb === 'add' && isRole(value) && message.reply_to_message?.from) {
      await this.add(session, message, message.reply_to_message.from, value, from);
      return;
    }
    if (verb === 'remove' && value !== undefined && /^\d+$/.test(value)) {
      await this.remove(session, message, Number(value), from);
      return;
    }
    await this.showList(session, message);
  }

  /** A message from an admin while an "add" is pending: a forward or a user id names the person. */
  async onPrivateInput(session: TelegramSession, message: WireMessage): Promise<boolean> {
    const from = message.from;
    const pending = from ? this.pending.get(from.id) : undefined;
    if (!from || !pending) return false;
    if (pending.until < this.clock.now()) {
      this.pending.delete(from.id);
      return false;
    }
    const forwarded = message.forward_origin?.type === 'user' ? message.forward_origin.sender_user : undefined;
    const typedId = /^\s*(\d{1,15})\s*$/.exec(message.text ?? '')?.[1];
    const person: WireUser | undefined = forwarded ?? (typedId ? { id: Number(typedId) } : undefined);
    if (!person) {
      const hidden = message.forward_origin?.type === 'hidden_user';
      await this.reply(session, message, hidden ? 'That person hides their account in forwards. Send their numeric user id instead.' : 'Forward a message from the person, or send their numeric user id.');
      return true;
    }
    this.pending.delete(from.id);
    await this.add(session, message, person, pending.role, from);
    return true;
  }

  async onCallback(session: TelegramSession, query: WireCallbackQuery): Promise<void> {
    const data = query.data ?? '';
    const match = /^roles:(add|rm|list):([a-z0-9]{1,20})$/.exec(data);
    if (!match) {
      this.logger.warn(`ignored a callback with unknown data (${data.length} bytes) from user ${query.from.id}`);
      await session.telegram.answerCbQuery(query.id, 'This button is no longer valid.');
      return;
    }
    if (!(await this.isBotAdmin(session, query.from.id))) {
      await session.telegram.answerCbQuery(query.id, 'Only bot admins can manage roles.', { show_alert: true });
      return;
    }
    const [, action, value] = match as unknown as [string, 'add' | 'rm' | 'list', string];
    const chatMessage = query.message;
    if (action === 'add' && isRole(value)) {
      this.pending.set(query.from.id, { role: value, until: this.clock.now() + PENDING_MS });
      await session.telegram.answerCbQuery(query.id);
      if (chatMessage) await this.reply(session, chatMessage, `Adding ${value}: forward me a message from the person, or send their numeric user id (in a group: reply to their message with /roles add ${value}).`);
      return;
    }
    if (action === 'rm' && /^\d+$/.test(value)) {
      const removed = await this.staff.remove(value, `telegram:${query.from.id}`);
      await session.telegram.answerCbQuery(query.id, removed ? 'Removed.' : 'Already gone.');
      if (chatMessage) await this.editList(session, chatMessage);
      return;
    }
    await session.telegram.answerCbQuery(query.id);
    if (chatMessage) await this.editList(session, chatMessage);
  }

  private async add(session: TelegramSession, where: WireMessage, person: WireUser, role: StaffRole, admin: WireUser): Promise<void> {
    if (person.is_bot === true) {
      await this.reply(session, where, 'Bots cannot be staff.');
      return;
    }
    const name = person.first_name || person.username ? nameOf(person) : null;
    const outcome = await this.staff.add({ id: String(person.id), role, name }, `telegram:${admin.id}`);
    this.logger.info(`staff ${outcome}: user ${person.id} as ${role} by ${admin.id}`);
    await this.reply(session, where, outcome === 'unchanged' ? `${name ?? person.id} is already ${role}.` : `✅ ${name ?? person.id} is now ${role}.`);
  }

  private async remove(session: TelegramSession, where: WireMessage, userId: number, admin: WireUser): Promise<void> {
    const removed = await this.staff.remove(String(userId), `telegram:${admin.id}`);
    await this.reply(session, where, removed ? `Removed ${userId} from staff.` : `${userId} was not on the /roles list (staff from rules.yaml are changed there).`);
  }

  private async showList(session: TelegramSession, where: WireMessage): Promise<void> {
    const { text, keyboard } = await this.render();
    await session.telegram.sendMessage(where.chat.id, text, { ...threadOf(where), reply_markup: keyboard });
  }

  private async editList(session: TelegramSession, message: WireMessage): Promise<void> {
    const { text, keyboard } = await this.render();
    await session.telegram.editMessageText(message.chat.id, message.message_id, undefined, text, { reply_markup: keyboard });
  }

  private async render(): Promise<{ text: string; keyboard: Keyboard }> {
    const everyone = await this.staff.list();
    const roster = everyone.filter((m) => m.source === 'roster');
    const fromRules = everyone.filter((m) => m.source === 'rules');
    const lines = [
      `👥 Staff added here (${roster.length}):`,
      ...roster.map((e) => `• ${e.name ?? e.id} — ${e.role} (${e.id})`),
      `From rules.yaml, read-only (${fromRules.length}):`,
      ...fromRules.map((m) => `• ${m.name ?? m.id} — ${m.role}`),
    ];
    const keyboard: Keyboard = {
      inline_keyboard: [
        STAFF_ROLES.map((role) => ({ text: `➕ ${role}`, callback_data: `roles:add:${role}` })),
        ...roster.slice(0, 30).map((e) => [{ text: `✖ ${(e.name ?? e.id).slice(0, 40)}`, callback_data: `roles:rm:${e.id}` }]),
        [{ text: '↻ refresh', callback_data: 'roles:list:all' }],
      ],
    };
    return { text: lines.join('\n'), keyboard };
  }

  private async reply(session: TelegramSession, where: WireMessage, text: string): Promise<void> {
    await session.telegram.sendMessage(where.chat.id, text, threadOf(where));
  }
}

function isRole(value: string | undefined): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value ?? '');
}
