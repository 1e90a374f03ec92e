import { type LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Nest's logger interface over pino: one JSON object per line, with the Nest context as `context`. */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;

  constructor(level: string, destination?: pino.DestinationStream) {
    // Synchronous writes: lines logged during shutdown must not be lost when the process exits.
    this.pino = pino({ level, base: { service: 'replywatch' }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? pino.destination({ dest: 1, sync: true }));
  }

  log(message: unknown, context?: string): void {
    this.pino.info(fields(context), text(message));
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    // Nest passes (message, stack, context) for errors, or (message, context).
    const ctx = context ?? (stackOrContext?.includes('\n') ? undefined : stackOrContext);
    const stack = context !== undefined || stackOrContext?.includes('\n') ? stackOrContext : undefined;
    this.pino.error({ ...fields(ctx), ...(stack ? { stack } : {}) }, text(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn(fields(context), text(message));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug(fields(context), text(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace(fields(context), text(message));
  }

  fatal(message: unknown, context?: string): void {
    this.pino.fatal(fields(context), text(message));
  }
}

function fields(context: string | undefined): Record<string, string> {
  return context ? { context } : {};
}

function text(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  return JSON.stringify(message);
}
