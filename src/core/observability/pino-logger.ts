import { type LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export interface LogOutputSettings {
  level: string;
  /** true: readable lines; false: JSON; unset: readable when the output is a terminal. */
  pretty?: boolean | undefined;
}

/**
 * Nest's framework chatter at boot: one line per mapped route and per module. Useful when
 * debugging routing, noise at every start, so it goes to debug; the hub's own lines stay.
 */
const BOOT_CHATTER = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Nest's logger interface over pino: one JSON object per line, with the Nest context as `context`. */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;

  constructor(level: string, destination?: pino.DestinationStream) {
    // Synchronous writes: lines logged during shutdown must not be lost when the process exits.
    this.pino = pino({ level, base: { service: 'replywatch' }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? pino.destination({ dest: 1, sync: true }));
  }

  /** The hub's logger on stdout: readable on a terminal (or when asked), JSON for machines. */
  static forStdout(settings: LogOutputSettings): PinoLogger {
    return new PinoLogger(settings.level, wantsPretty(settings, process.stdout.isTTY) ? prettyDestination() : undefined);
  }

  log(message: unknown, context?: string): void {
    if (context !== undefined && BOOT_CHATTER.has(context)) this.pino.debug(fields(context), text(message));
    else this.pino.info(fields(context), text(message));
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

export function wantsPretty(settings: LogOutputSettings, isTTY: boolean | undefined): boolean {
  return settings.pretty ?? isTTY === true;
}

/**
 * pino-pretty in-process (not a worker transport) with synchronous writes, so the last lines
 * before exit are on the terminal as with JSON. Colours follow the terminal (NO_COLOR and
 * FORCE_COLOR are honoured). `destination` is for tests; default stdout.
 */
export function prettyDestination(destination: number | NodeJS.WritableStream = 1, colorize?: boolean): pino.DestinationStream {
  return pinoPretty({
    destination,
    sync: true,
    ...(colorize === undefined ? {} : { colorize }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'service,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
}

function fields(context: string | undefined): Record<string, string> {
  return context ? { context } : {};
}

function text(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  return JSON.stringify(message);
}
