import { targetChat } from './methods-messages';
import { ApiError, badRequest, optArray, optBool, optInt, optObject, optStr, reqInt, type Params } from './params';
import { type BotApiState, type Handler } from './state';
import { type BotCommand, type ChatAdmin, type TgUser } from './types';

const SCOPE_TYPES = new Set([
  'default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators', 'chat', 'chat_administrators', 'chat_member',
]);
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

function memberObject(admin: ChatAdmin): Record<string, unknown> {
  if (admin.status === 'creator') return { status: 'creator', user: admin.user, is_anonymous: false };
  return {
    status: 'administrator', user: admin.user, can_be_edited: false, is_anonymous: false, can_manage_chat: true,
    can_delete_messages: true, can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false,
    can_change_info: true, can_invite_users: true, can_pin_messages: true, can_manage_topics: true,
    can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
  };
}

/** Scope plus language identifies one command list, as on the real server. */
function commandKey(state: BotApiState, params: Params): { key: string; scope: Record<string, unknown>; languageCode: string } {
  const scope = optObject(params, 'scope') ?? { type: 'default' };
  const type = String(scope.type);
  if (!SCOPE_TYPES.has(type)) throw badRequest('unsupported bot command scope type specified');
  const normalized: Record<string, unknown> = { type };
  if (type.startsWith('chat')) {
    normalized.chat_id = targetChat(state, scope).id;
    if (type === 'chat_member') normalized.user_id = reqInt(scope, 'user_id');
  }
  const languageCode = optStr(params, 'language_code') ?? '';
  return { key: `${JSON.stringify(normalized)}|${languageCode}`, scope: normalized, languageCode };
}

function checkedCommands(params: Params): BotCommand[] {
  const raw = optArray(params, 'commands');
  if (!raw) throw badRequest('commands is empty');
  return raw.map((entry) => {
    const { command, description } = (entry ?? {}) as Partial<BotCommand>;
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    return { command, description };
  });
}

export const serviceMethods: Record<string, Handler> = {
  getMe(state) {
    return {
      ...state.bot, can_join_groups: true, can_read_all_group_messages: true, supports_inline_queries: false,
      can_connect_to_business: false, has_main_web_app: false,
    };
  },

  getChat(state, call) {
    return { ...targetChat(state, call.params), accent_color_id: 0, max_reaction_count: 11 };
  },

  getChatMember(state, call) {
    const chat = targetChat(state, call.params);
    const userId = reqInt(call.params, 'user_id');
    const admin = state.chats.admin(chat.id, userId);
    if (admin) return memberObject(admin);
    const user: TgUser | undefined = userId === state.bot.id ? state.bot : state.chats.member(chat.id, userId);
    if (!user) throw badRequest('user not found');
    return { status: 'member', user };
  },

  getChatAdministrators(state, call) {
    const chat = targetChat(state, call.params);
    if (chat.type === 'private') throw badRequest('there are no administrators in the private chat');
    return state.chats.adminsOf(chat.id).map(memberObject);
  },

  leaveChat(state, call) {
    state.chats.removeBot(targetChat(state, call.params).id);
    return true;
  },

  setMyCommands(state, call) {
    const commands = checkedCommands(call.params);
    const { key, scope, languageCode } = commandKey(state, call.params);
    if (commands.length === 0) state.commands.delete(key);
    else state.commands.set(key, { scope, languageCode, commands });
    return true;
  },

  deleteMyCommands(state, call) {
    state.commands.delete(commandKey(state, call.params).key);
    return true;
  },

  getMyCommands(state, call) {
    return state.commands.get(commandKey(state, call.params).key)?.commands ?? [];
  },

  answerCallbackQuery(state, call) {
    const id = optStr(call.params, 'callback_query_id');
    if (!id || !state.openCallbackQueries.delete(id)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = optStr(call.params, 'text');
    state.callbackAnswers.push({ id, ...(text !== undefined && { text }), showAlert: optBool(call.params, 'show_alert'), at: state.now() });
    return true;
  },

  getUpdates(state, call) {
    if (state.webhook.active) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    state.queue.setAllowed(optArray(call.params, 'allowed_updates'));
    const offset = optInt(call.params, 'offset') ?? 0;
    if (offset > 0) state.queue.confirmBelow(offset);
    const limit = Math.min(100, Math.max(1, optInt(call.params, 'limit') ?? 100));
    const timeout = Math.max(0, optInt(call.params, 'timeout') ?? 0);
    return state.polls.poll(offset, limit, timeout, call.signal);
  },

  setWebhook(state, call) {
    const url = optStr(call.params, 'url') ?? '';
    if (url === '') {
      state.webhook.clear();
      return true;
    }
    if (!URL.canParse(url)) throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
    const secret = optStr(call.params, 'secret_token');
    if (secret !== undefined && !SECRET_TOKEN.test(secret)) throw badRequest('secret token contains unallowed characters');
    state.queue.setAllowed(optArray(call.params, 'allowed_updates'));
    if (optBool(call.params, 'drop_pending_updates')) state.queue.drop();
    state.webhook.set(url, secret);
    return true;
  },

  deleteWebhook(state, call) {
    state.webhook.clear();
    if (optBool(call.params, 'drop_pending_updates')) state.queue.drop();
    return true;
  },

  getWebhookInfo(state) {
    const { webhook, queue } = state;
    const info: Record<string, unknown> = { url: webhook.url, has_custom_certificate: false, pending_update_count: queue.pending };
    if (!webhook.active) return info;
    return {
      ...info, max_connections: 40, ip_address: '127.0.0.1',
      ...(webhook.lastErrorDate !== undefined && { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage }),
      ...(queue.allowedUpdates && { allowed_updates: queue.allowedUpdates }),
    };
  },
};
