import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { runbookNotice } from './core/config/built-in-runbooks';
import { keepAdminToken } from './core/config/kept-admin-token';
import { loadConfig, type LoadOptions } from './core/config/load-config';
import { PinoLogger } from './core/observability/pino-logger';
import { createHub } from './hub';
import { exitCodeFor, explainStartupError } from './startup-errors';

/** Loads and validates configuration, builds the hub and starts listening. */
export async function startHub(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Promise<INestApplication> {
  const config = loadConfig(env, options);
  const logger = PinoLogger.forStdout(config.hub.log);
  const notice = runbookNotice(config.runbook, config.rulesFile, config.rules);
  if (notice) logger.log(notice, 'rules');
  for (const line of config.notices) logger.warn(line, 'config');
  const kept = keepAdminToken(config.hub, { create: true });
  if (kept?.created) logger.log(`generated an admin token in ${kept.file} (set ADMIN_TOKEN to use your own)`, 'admin');
  const app = await createHub({ config, logger });
  const { host, port } = config.hub.server;
  await app.listen(port, host);
  logger.log(`listening on http://${host}:${port} (rules: ${config.rulesSource.file})`, 'hub');
  const { console: web } = config.hub;
  if (web.enabled && config.hub.admin.token) {
    const signIn = kept ? `the token in ${kept.file}` : 'the admin token';
    logger.log(`web console: http://${host}:${port}${web.path === '/' ? '/' : `${web.path.replace(/\/+$/, '')}/`} (sign in with ${signIn})`, 'console');
  }
  return app;
}

if (require.main === module) {
  startHub().catch((error: unknown) => {
    process.stderr.write(`${explainStartupError(error)}\n`);
    process.exit(exitCodeFor(error));
  });
}
