import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { visibleText } from './entities';
import { badRequest, chatRef, optInt, optObject, optStr, reqInt, type Params } from './params';
import { type BotApiState, type Call, type Handler } from './state';
import { type SentMessage, type TgChat, type TgMessage, type UploadedFile } from './types';

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);
const MIME_BY_EXTENSION: Record<string, string> = {
  '.csv': 'text/csv', '.txt': 'text/plain', '.json': 'application/json', '.pdf': 'application/pdf',
  '.zip': 'application/zip', '.gz': 'application/gzip', '.html': 'text/html', '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Resolves chat_id and applies Telegram's access checks (upgraded, unknown, kicked). */
export function targetChat(state: BotApiState, params: Params): TgChat {
  const ref = chatRef(params);
  if (ref === undefined) throw badRequest('chat_id is empty');
  const chatId = state.chats.resolve(ref);
  if (chatId === undefined) throw badRequest('chat not found');
  return state.chats.accessible(chatId);
}

// Counting UTF-16 units is at least as strict as Telegram, so a splitter that passes here passes there.
function checkedText(params: Params): string {
  const text = optStr(params, 'text') ?? '';
  const visible = visibleText(text, optStr(params, 'parse_mode'));
  if (visible.trim() === '') throw badRequest('message text is empty');
  if (visible.length > MAX_TEXT) throw badRequest('message is too long');
  return text;
}

function checkedCaption(params: Params): string | undefined {
  const caption = optStr(params, 'caption');
  if (caption === undefined) return undefined;
  if (visibleText(caption, optStr(params, 'parse_mode')).length > MAX_CAPTION) throw badRequest('message caption is too long');
  return caption;
}

function inlineMarkup(params: Params): Record<string, unknown> | undefined {
  const markup = optObject(params, 'reply_markup');
  return markup && Array.isArray(markup.inline_keyboard) ? markup : undefined;
}

function replyTarget(state: BotApiState, chat: TgChat, params: Params): TgMessage | undefined {
  const replyParams = optObject(params, 'reply_parameters');
  const messageId = (replyParams?.message_id as number | undefined) ?? optInt(params, 'reply_to_message_id');
  if (messageId === undefined) return undefined;
  const target = state.chats.message(chat.id, messageId);
  const lenient = replyParams?.allow_sending_without_reply === true || params.allow_sending_without_reply === true;
  if (!target && !lenient) throw badRequest('message to be replied not found');
  return target;
}

/** Flood control, message id, bookkeeping: what every successful send shares. */
function deliver(state: BotApiState, call: Call, chat: TgChat, content: Record<string, unknown>, file?: UploadedFile): TgMessage {
  const now = state.now();
  if (state.enforceRateLimits) state.flood.check(chat.id, chat.type === 'group' || chat.type === 'supergroup', now);
  const threadId = optInt(call.params, 'message_thread_id');
  const replyTo = replyTarget(state, chat, call.params);
  const message: TgMessage = {
    message_id: state.chats.nextMessageId(chat.id),
    from: state.bot,
    chat,
    date: Math.floor(now / 1000),
    ...(threadId !== undefined && { message_thread_id: threadId, ...(chat.is_forum && { is_topic_message: true }) }),
    ...(replyTo && { reply_to_message: replyTo }),
    ...content,
  };
  const markup = inlineMarkup(call.params);
  if (markup) message.reply_markup = markup;
  if (state.enforceRateLimits) state.flood.record(chat.id, now);
  state.chats.storeMessage(message);
  const method = call.method as SentMessage['method'];
  state.sent.push({ method, chatId: chat.id, at: now, params: call.params, message, ...(file && { file }) });
  return message;
}

function editableMessage(state: BotApiState, params: Params, missing: string): TgMessage {
  const chat = targetChat(state, params);
  const message = state.chats.message(chat.id, reqInt(params, 'message_id'));
  if (!message) throw badRequest(missing);
  if ((message.from as { id?: number } | undefined)?.id !== state.bot.id) throw badRequest("message can't be edited");
  return message;
}

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const fileId = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export const messageMethods: Record<string, Handler> = {
  sendMessage(state, call) {
    const chat = targetChat(state, call.params);
    const text = checkedText(call.params);
    const preview = optObject(call.params, 'link_preview_options');
    return deliver(state, call, chat, { text, ...(preview && { link_preview_options: preview }) });
  },

  sendDocument(state, call) {
    const chat = targetChat(state, call.params);
    const caption = checkedCaption(call.params);
    const upload = call.files.find((f) => f.field === 'document');
    const reference = upload ? undefined : optStr(call.params, 'document');
    if (!upload && !reference) throw badRequest('there is no document in the request');
    const document = upload
      ? {
          file_name: upload.filename,
          mime_type: MIME_BY_EXTENSION[extname(upload.filename).toLowerCase()] ?? 'application/octet-stream',
          file_id: fileId('BQACAgIAAxkDAAI'),
          file_unique_id: fileId('AgAD').slice(0, 16),
          file_size: upload.data.length,
        }
      : { file_id: reference, file_unique_id: fileId('AgAD').slice(0, 16) };
    return deliver(state, call, chat, { document, ...(caption !== undefined && { caption }) }, upload);
  },

  editMessageText(state, call) {
    const message = editableMessage(state, call.params, 'message to edit not found');
    const text = checkedText(call.params);
    const markup = inlineMarkup(call.params);
    if (message.text === text && sameJson(message.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
    Object.assign(message, { text, edit_date: state.nowSeconds() });
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    return message;
  },

  editMessageReplyMarkup(state, call) {
    const message = editableMessage(state, call.params, 'message to edit not found');
    const markup = inlineMarkup(call.params);
    if (sameJson(message.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
    message.edit_date = state.nowSeconds();
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    return message;
  },

  deleteMessage(state, call) {
    const chat = targetChat(state, call.params);
    if (!state.chats.deleteMessage(chat.id, reqInt(call.params, 'message_id'))) {
      throw badRequest('message to delete not found');
    }
    return true;
  },

  sendChatAction(state, call) {
    targetChat(state, call.params);
    const action = optStr(call.params, 'action');
    if (!action) throw badRequest('action is empty');
    if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
    return true;
  },
};
