import { type OnApplicationBootstrap, Logger, type Provider, type Type } from '@nestjs/common';
import { type LoadedConfig } from '../config/load-config';
import { ConsoleAssets } from './console-assets';
import { consoleAssetsController } from './console-assets.controller';
import { ConsoleAuth } from './console-auth';
import { consoleCommandsController } from './console-commands.controller';
import { consoleDeliveriesController } from './console-deliveries.controller';
import { ConsoleEvents } from './console-events';
import { consoleFiguresController } from './console-figures.controller';
import { consoleInquiryController } from './console-inquiry.controller';
import { consoleQueueController } from './console-queue.controller';
import { consoleRunbookController } from './console-runbook.controller';
import { consoleSessionController } from './console-session.controller';
import { ConsoleShell } from './console-shell';
import { DeliveriesService } from './deliveries-service';
import { FiguresService } from './figures-service';
import { InquiryDetails } from './inquiry-detail';
import { QueueQuery } from './queue-query';
import { QueueService } from './queue-service';

/**
 * The console's controllers and services for the hub module, or none at all when it is off
 * (no admin token, or `console.enabled: false`): then its URLs are plain 404s. The
 * controllers are made per hub, because their path comes from hub.yaml.
 */
export function consoleParts(config: LoadedConfig): { controllers: Type[]; providers: Provider[] } {
  const settings = config.hub.console;
  const on = settings.enabled && Boolean(config.hub.admin.token);
  const status = on
    ? `web console at ${settings.path}`
    : settings.enabled
      ? 'web console off: set admin.token (ADMIN_TOKEN) to enable it'
      : 'web console off (console.enabled: false)';
  const announce: Provider = { provide: ConsoleStatus, useValue: new ConsoleStatus(status) };
  if (!on) return { controllers: [], providers: [announce] };
  const base = settings.path.replace(/^\/+/, '');
  return {
    controllers: [
      consoleAssetsController(base),
      consoleSessionController(base),
      consoleQueueController(base),
      consoleCommandsController(base),
      consoleInquiryController(base),
      consoleRunbookController(base),
      consoleDeliveriesController(base),
      consoleFiguresController(base),
    ],
    providers: [
      announce,
      { provide: ConsoleAssets, useFactory: () => new ConsoleAssets() },
      ConsoleAuth,
      ConsoleShell,
      QueueQuery,
      QueueService,
      ConsoleEvents,
      InquiryDetails,
      DeliveriesService,
      FiguresService,
    ],
  };
}

/** Says at start whether and where the console is served (after the logger is in place). */
export class ConsoleStatus implements OnApplicationBootstrap {
  constructor(readonly status: string) {}

  onApplicationBootstrap(): void {
    new Logger('console').log(this.status);
  }
}
