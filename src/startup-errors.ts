import { ConfigError } from './core/config/config-error';
import { DatabaseUnavailableError } from './core/persistence/database-errors';
import { PluginError } from './plugins/host/plugin-loader';

/** One readable paragraph for an operator; config values and secrets never appear in it. */
export function explainStartupError(error: unknown): string {
  if (error instanceof ConfigError) return `replywatch: invalid configuration\n${error.message}`;
  if (error instanceof PluginError) return `replywatch: connector problem\n${error.message}`;
  if (error instanceof DatabaseUnavailableError) {
    const cause = error.cause instanceof Error ? error.cause.message : typeof error.cause === 'string' ? error.cause : '';
    return `replywatch: the database is unavailable${cause ? ` (${cause})` : ''}; check DATABASE_URL and that the server is running`;
  }
  if (error instanceof Error) return `replywatch: ${error.message}`;
  return `replywatch: ${String(error)}`;
}

/** Exit status of a failed start or command: 2 for what the configuration must fix, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  return error instanceof Error && (error.name === 'ConfigError' || error.name === 'PluginError') ? 2 : 1;
}
