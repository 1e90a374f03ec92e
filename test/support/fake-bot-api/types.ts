export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  is_forum?: boolean;
}

export type TgMessage = Record<string, unknown> & { message_id: number; date: number; chat: TgChat };
export type TgUpdate = Record<string, unknown> & { update_id: number };
/** A user as tests describe it: only the id is required, the rest gets realistic defaults. */
export type UserInput = Partial<TgUser> & { id: number };

export interface FakeBotApiOptions {
  token: string;
  /** ms epoch; message dates, call timestamps and flood-control windows follow it. */
  now?: () => number;
  enforceRateLimits?: boolean;
  /** Defaults to the numeric prefix of the token, as on the real Bot API. */
  botId?: number;
  botUsername?: string;
  /** Largest request body accepted; above it the answer is 413, as the real server's upload cap. Default 60 MB. */
  maxUploadBytes?: number;
}

export type Fault =
  | { kind: 'error'; code: number; description: string; parameters?: Record<string, unknown> }
  | { kind: 'http'; status: 500 | 502 | 503 | 504; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

export interface FaultOptions {
  chatId?: number;
  times?: number;
}

export interface CallRecord {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** HTTP status answered; 0 while pending or when the socket was dropped. */
  status: number;
}

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface SentMessage {
  method: 'sendMessage' | 'sendDocument';
  chatId: number;
  at: number;
  params: Record<string, unknown>;
  message: TgMessage;
  file?: UploadedFile;
}

export interface Violation {
  method: string;
  chatId: number;
  at: number;
}

export interface WebhookDelivery {
  updateId: number;
  /** Receiver's HTTP status; 0 for a network error. */
  status: number;
  at: number;
  error?: string;
}

export interface CallbackAnswer {
  id: string;
  text?: string;
  showAlert: boolean;
  at: number;
}

export type FloodRule = 'per-chat-second' | 'per-group-minute' | 'global-second';

export interface RateLimitCounters {
  total: number;
  byChat: Map<number, number>;
  byRule: Record<FloodRule, number>;
}

export interface BotCommand {
  command: string;
  description: string;
}

export interface RecordedCommands {
  scope: Record<string, unknown>;
  languageCode: string;
  commands: BotCommand[];
}

interface MessageInputBase {
  from?: UserInput;
  text?: string;
  messageId?: number;
  /** Unix seconds; defaults to now(). */
  date?: number;
  /** Deliver as `edited_message` (with edit_date) instead of `message`. */
  edited?: boolean;
  /** Any other key is merged verbatim into the message (photo, caption, forum_topic_created…). */
  [field: string]: unknown;
}

export interface GroupMessageOptions extends MessageInputBase {
  chatId: number;
  /** Defaults to 'supergroup' for -100… ids, else 'group'. */
  chatType?: 'group' | 'supergroup';
  title?: string;
  isForum?: boolean;
  /** Sets message_thread_id and is_topic_message. */
  threadId?: number;
  senderChat?: Partial<TgChat> & { id: number };
  isAutomaticForward?: boolean;
  replyTo?: Record<string, unknown>;
}

export interface PrivateMessageOptions extends MessageInputBase {
  from: UserInput;
}

export interface CallbackQueryOptions {
  from: UserInput;
  chatId: number;
  messageId: number;
  data: string;
  id?: string;
}

export interface ChatAdmin {
  user: TgUser;
  status: 'creator' | 'administrator';
}
