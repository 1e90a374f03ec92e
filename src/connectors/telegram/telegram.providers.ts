import { type DynamicModule, type Provider } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { TelegrafModule } from 'nestjs-telegraf';
import { CLOCK, type Clock } from '../../core/clock/clock';
import { type LoadedConfig } from '../../core/config/load-config';
import { ConversationDirectory } from '../../core/conversations/conversation-directory';
import { OUTBOX_ENQUEUED } from '../../core/events/domain-events';
import { InquiryCommands } from '../../core/inquiries/inquiry-commands';
import { InquiryQueries } from '../../core/inquiries/inquiry-queries';
import { DATABASE, type Database } from '../../core/persistence/database';
import { type RulesStore } from '../../core/rules/rules-store';
import { ChatAliases } from './chat-aliases';
import { DutyChats } from './duty-chats';
import { guardedContextType } from './guarded-context';
import { ReportCommands } from './report-commands';
import { RolesManager } from './roles-manager';
import { SendGuard } from './send-guard';
import { StaffCommands } from './staff-commands';
import { StaffRoster } from './staff-roster';
import { telegramConfigSchema } from './telegram.config';
import { BOT_API_UPLOAD_LIMIT } from './export-upload';
import { TelegramRouter } from './telegram-router';
import { TelegramUpdates } from './telegram.update';

/** The bot nestjs-telegraf creates, and the parts around the Telegram connector (listed with the other connectors). */
export interface TelegramWiring {
  imports: DynamicModule[];
  /** What the connector itself needs to be built (enough for check-config). */
  connectorProviders: Provider[];
  /** The rest, which uses the database. */
  providers: Provider[];
}

export function telegramWiring(config: LoadedConfig, rules: RulesStore): TelegramWiring {
  const dutyChats = new DutyChats(rules, 'telegram');
  const guard = new SendGuard(() => dutyChats.ids());
  const section = config.hub.connectors.telegram;
  const { enabled: _enabled, ...settings } = section ?? { enabled: false };
  // Validated for real (with located errors) by the connector registry; here only to build the bot.
  const parsed = section?.enabled ? telegramConfigSchema.safeParse(settings) : undefined;
  const bot = TelegrafModule.forRoot({
    token: parsed?.success ? parsed.data.token : '',
    launchOptions: false,
    options: {
      telegram: { apiRoot: parsed?.success ? parsed.data.apiRoot : 'https://api.telegram.org', webhookReply: false },
      contextType: guardedContextType(guard),
      handlerTimeout: 60_000,
    },
  });
  const connectorProviders: Provider[] = [
    { provide: DutyChats, useValue: dutyChats },
    { provide: SendGuard, useValue: guard },
  ];
  const providers: Provider[] = [
    ConversationDirectory,
    { provide: ChatAliases, inject: [DATABASE, CLOCK], useFactory: (db: Database, clock: Clock) => new ChatAliases(db, clock, dutyChats) },
    { provide: StaffRoster, inject: [DATABASE, CLOCK], useFactory: (db: Database, clock: Clock) => new StaffRoster(db, clock) },
    { provide: RolesManager, inject: [StaffRoster, CLOCK], useFactory: (roster: StaffRoster, clock: Clock) => new RolesManager(roster, rules, clock) },
    {
      provide: StaffCommands,
      inject: [InquiryCommands, ConversationDirectory, DATABASE, CLOCK, EventEmitter2],
      useFactory: (commands: InquiryCommands, directory: ConversationDirectory, db: Database, clock: Clock, events: EventEmitter2) =>
        new StaffCommands(commands, directory, dutyChats, db, clock, () => events.emit(OUTBOX_ENQUEUED, 1)),
    },
    {
      provide: TelegramRouter,
      inject: [ChatAliases, StaffRoster, RolesManager, StaffCommands, ConversationDirectory, InquiryQueries, DATABASE, CLOCK],
      useFactory: (
        aliases: ChatAliases,
        roster: StaffRoster,
        roles: RolesManager,
        staffCommands: StaffCommands,
        directory: ConversationDirectory,
        queries: InquiryQueries,
        db: Database,
        clock: Clock,
      ) => new TelegramRouter({ dutyChats, aliases, roster, roles, staffCommands, directory, queries, rules, db, clock, reports: new ReportCommands(db, clock, parsed?.success ? parsed.data.maxUploadBytes : BOT_API_UPLOAD_LIMIT) }),
    },
    TelegramUpdates,
  ];
  return { imports: [bot], connectorProviders, providers };
}
