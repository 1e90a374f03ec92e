import { type ConnectorLogger } from 'replywatch/sdk';
import { type Telegram } from 'telegraf';
import { type DutyChats } from './duty-chats';

const IN_CUSTOMER_CHATS = [
  { command: 'hold', description: 'Pause the SLA clock (waiting for the customer)' },
  { command: 'resume', description: 'Start the SLA clock again' },
  { command: 'resolve', description: 'Nothing left to answer here' },
  { command: 'escalate', description: 'Escalate now: /escalate [reason]' },
];

const IN_DUTY_AND_PRIVATE = [
  { command: 'hot', description: 'Inquiries waiting, nearest deadline first' },
  { command: 'slastat', description: 'SLA figures: /slastat [last-month | q3 | FROM TO]' },
  { command: 'report', description: 'CSV of every inquiry: /report [last-month | q3 | FROM TO]' },
  { command: 'roles', description: 'Staff list; admins add and remove staff' },
  { command: 'help', description: 'What this bot does' },
];

/**
 * Registers the command menus. Group commands are shown to group admins only, so customers
 * are not invited to type /hold in their own chat. Best effort: a failure is logged.
 */
export async function registerCommands(telegram: Telegram, dutyChats: DutyChats, logger: ConnectorLogger): Promise<void> {
  try {
    await telegram.setMyCommands(IN_CUSTOMER_CHATS, { scope: { type: 'all_chat_administrators' } });
    await telegram.setMyCommands(IN_DUTY_AND_PRIVATE, { scope: { type: 'all_private_chats' } });
    for (const chatId of dutyChats.ids()) await telegram.setMyCommands(IN_DUTY_AND_PRIVATE, { scope: { type: 'chat', chat_id: chatId } });
  } catch (error) {
    logger.warn(`could not register the command menus: ${error instanceof Error ? error.message : String(error)}`);
  }
}
