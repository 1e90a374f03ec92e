import { type Request } from 'express';
import { queryParam } from './form-body';
import { STRINGS } from './strings.en';

export interface Notice {
  text: string;
  error: boolean;
}

/** What a command posted without the script came back to say: a code, never free text. */
export function commandNotice(req: Request): Notice | undefined {
  const done = queryParam(req, 'done');
  if (done === 'hold' || done === 'resume' || done === 'resolve' || done === 'escalate') return { text: STRINGS.commands.done[done], error: false };
  const refused = queryParam(req, 'refused');
  if (refused === 'not_found' || refused === 'conflict' || refused === 'cooldown' || refused === 'invalid') return { text: STRINGS.commands.refused[refused], error: true };
  return undefined;
}
