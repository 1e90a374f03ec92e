import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type Response } from 'express';
import { IntakeClosedError, InvalidMessageError } from '../intake/intake-errors';
import { DatabaseUnavailableError } from '../persistence/database-errors';
import { type ProblemDetails, ProblemException } from './problem';
import { ClientGoneError } from './read-body';

/**
 * Every error leaves the HTTP API as problem+json. Unknown errors become a bare 500: their
 * text may hold internals, so it goes to the log, not to the client.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof ClientGoneError) return void this.logger.debug(error.message);
    const known = knownProblem(error);
    if (!known) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const { body, headers } = known ?? INTERNAL;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}

const INTERNAL = { body: { type: 'about:blank', title: 'Internal Server Error', status: 500 }, headers: {} };

/** The problem+json answer for an error the hub knows how to explain; undefined for others. */
export function knownProblem(error: unknown): { body: ProblemDetails; headers: Record<string, string> } | undefined {
  if (error instanceof ProblemException) return { body: error.problem, headers: error.headers };
  if (error instanceof DatabaseUnavailableError || error instanceof IntakeClosedError) {
    return {
      body: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: `${error.message}; nothing was stored, retry later` },
      headers: { 'Retry-After': '5' },
    };
  }
  if (error instanceof InvalidMessageError) {
    return { body: { type: 'about:blank', title: 'Unprocessable Content', status: 422, detail: error.message, field: error.field }, headers: {} };
  }
  if (error instanceof HttpException) return { body: { type: 'about:blank', title: error.message, status: error.getStatus() }, headers: {} };
  return undefined;
}
