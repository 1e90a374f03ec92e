import { HttpException } from '@nestjs/common';

export interface ProblemDetails {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

/** An RFC 9457 problem+json response; `detail` names the field or header at fault. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails, readonly headers: Record<string, string> = {}) {
    super(problem, problem.status);
  }
}

export function problem(status: number, title: string, detail?: string, extra: Record<string, unknown> = {}): ProblemException {
  return new ProblemException({ type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...extra });
}
