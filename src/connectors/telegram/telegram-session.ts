import { type Telegram } from 'telegraf';
import { type MessageSink } from 'replywatch/sdk';
import { type TelegramConfig } from './telegram.config';

/** What the update handlers need once the bot is running; set by the connector on start. */
export interface TelegramSession {
  connectorId: string;
  channel: string;
  config: TelegramConfig;
  sink: MessageSink;
  botId: number;
  botUsername: string;
  /** The guarded client: every call passes the SendGuard. */
  telegram: Telegram;
}
