import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter } from './core/http/problem.filter';
import { HubModule, type HubModuleOptions } from './hub.module';

export interface CreateHubOptions extends HubModuleOptions {
  logger?: LoggerService | false;
}

/**
 * Builds the hub application (not yet listening). The global JSON body parser is off: the
 * ingest endpoint reads raw bytes for signature checks and reports body errors itself.
 */
export async function createHub(options: CreateHubOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(HubModule.forRoot(options), {
    bodyParser: false,
    abortOnError: false,
    logger: options.logger ?? false,
  });
  app.useGlobalFilters(new ProblemFilter());
  // Not SIGHUP: that one reloads the runbook.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  app.disable('x-powered-by');
  return app;
}
