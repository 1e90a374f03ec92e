import { Controller, Param, Post, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { InquiryCommands, type InquiryCommand } from '../inquiries/inquiry-commands';
import { unstorable } from '../intake/validate-message';
import { ConsoleAuth } from './console-auth';
import { ConsoleShell } from './console-shell';
import { wantsJson } from './form-body';
import { errorPage } from './pages/error.page';
import { QueueService } from './queue-service';
import { STRINGS } from './strings.en';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMMANDS: readonly InquiryCommand[] = ['hold', 'resume', 'resolve', 'escalate'];

type Refusal = 'not_found' | 'conflict' | 'cooldown' | 'invalid';

/**
 * Hold, resume, resolve and escalate from the queue: the same InquiryCommands the admin API
 * and Telegram run, recorded as `console:<name>`. Operators only, same origin, with the
 * session's CSRF token (a form field, or the X-CSRF-Token header from the script).
 */
export function consoleCommandsController(base: string): Type {
  @Controller(base)
  class ConsoleCommandsController {
    constructor(
      private readonly auth: ConsoleAuth,
      private readonly shell: ConsoleShell,
      private readonly commands: InquiryCommands,
    ) {}

    @Post('inquiries/:id/:command')
    async run(@Param('id') id: string, @Param('command') command: string, @Req() req: Request, @Res() res: Response): Promise<void> {
      const gate = await this.auth.operatorPost(req);
      if (!gate.ok) return this.deny(req, res, gate.status, gate.text);
      const { session, form } = gate;
      if (!(COMMANDS as readonly string[]).includes(command) || !UUID.test(id)) return this.deny(req, res, 404, STRINGS.errors.notFound);
      const back = QueueService.safeBack(form.get('back'));
      const returnTo = form.get('return') === 'inquiry' ? id : undefined;
      const reason = form.get('reason')?.trim() ?? '';
      if (command === 'escalate' && (reason === '' || reason.length > 1000 || unstorable(reason))) return this.answer(req, res, back, command, 'invalid', STRINGS.commands.refused.invalid, undefined, returnTo);
      const outcome = await this.commands.run(command as InquiryCommand, id, { by: `console:${session.name}`, ...(reason ? { reason } : {}) });
      if (outcome.ok) return this.answer(req, res, back, command, undefined, STRINGS.commands.done[command as InquiryCommand], outcome.status, returnTo);
      // The console's own words, as the no-script path shows: InquiryCommands' text is for logs and the API.
      return this.answer(req, res, back, command, outcome.code, STRINGS.commands.refused[outcome.code], undefined, returnTo);
    }

    /** The script gets JSON to announce; a plain form goes back to the queue it came from. */
    private answer(req: Request, res: Response, back: string, command: string, refused: Refusal | undefined, message: string, status?: string, returnTo?: string): void {
      if (wantsJson(req)) {
        const code = refused === undefined ? 200 : refused === 'not_found' ? 404 : refused === 'cooldown' ? 429 : refused === 'invalid' ? 422 : 409;
        res.status(code).json(refused === undefined ? { ok: true, status, message } : { ok: false, code: refused, message });
        return;
      }
      // From the inquiry page (`return=inquiry`): back to it, without the queue's parameters.
      const query = new URLSearchParams(returnTo === undefined ? back.slice(1) : '');
      query.set(refused === undefined ? 'done' : 'refused', refused ?? command);
      res.redirect(303, `${returnTo === undefined ? this.auth.paths.home : this.auth.paths.inquiry(returnTo)}?${query.toString()}`);
    }

    private deny(req: Request, res: Response, status: number, text: string): void {
      if (wantsJson(req)) return void res.status(status).json({ ok: false, message: text });
      this.shell.send(res, status, errorPage(this.shell.of(this.auth.session(req)), STRINGS.queue.title, text));
    }
  }
  return ConsoleCommandsController;
}
