import { type Server } from 'node:http';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter } from './core/http/problem.filter';
import { RequestQuiesce } from './core/http/request-quiesce';
import { HubModule, type HubModuleOptions } from './hub.module';
import { RouteTable } from './plugins/host/services/route-table';

export interface CreateHubOptions extends HubModuleOptions {
  logger?: LoggerService | false;
}

/**
 * Builds the hub application (not yet listening). The global JSON body parser is off:
 * connector routes read raw bytes for signature checks and report body errors themselves.
 */
export async function createHub(options: CreateHubOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(HubModule.forRoot(options), {
    bodyParser: false,
    abortOnError: false,
    logger: options.logger ?? false,
  });
  app.useGlobalFilters(new ProblemFilter());
  // Connector routes (webhooks) go in front of the hub's controllers; the table fills at start.
  app.use(app.get(RouteTable).middleware);
  // Not SIGHUP: that one reloads the runbook.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  app.disable('x-powered-by');
  // Flat parameters only: `a[b]=c` stays a parameter named "a[b]" instead of an object.
  app.set('query parser', 'simple');
  applyServerTimeouts(app.getHttpServer(), options.config.hub.server);
  app.get(RequestQuiesce).attach(app.getHttpServer());
  return app;
}

/**
 * A sender that trickles its request (slowloris) or keeps an idle connection open is cut off:
 * Node's defaults (5 min per request, checked every 30 s) would hold a connection for minutes.
 */
function applyServerTimeouts(server: Server, settings: { requestTimeout: number; headersTimeout: number; keepAliveTimeout: number }): void {
  server.requestTimeout = settings.requestTimeout;
  server.headersTimeout = Math.min(settings.headersTimeout, settings.requestTimeout);
  server.keepAliveTimeout = settings.keepAliveTimeout;
  // Read when the server starts listening: how often the timeouts above are enforced.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, settings.headersTimeout);
}
