import { Controller, Get, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { ConsoleAuth } from './console-auth';
import { ConsoleEvents } from './console-events';
import { ConsoleShell } from './console-shell';
import { commandNotice } from './notice';
import { queueBody, queuePage } from './pages/queue.page';
import { QueueService } from './queue-service';
import { STRINGS } from './strings.en';

/** The queue page, the part of it live updates fetch again, and the console's event stream (every live page listens on it). */
export function consoleQueueController(base: string): Type {
  @Controller(base)
  class ConsoleQueueController {
    constructor(
      private readonly auth: ConsoleAuth,
      private readonly shell: ConsoleShell,
      private readonly queue: QueueService,
      private readonly events: ConsoleEvents,
    ) {}

    @Get()
    async page(@Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return res.redirect(303, this.auth.paths.signIn);
      const model = await this.queue.model(req, session.role, { choices: true });
      const notice = commandNotice(req);
      this.shell.send(res, 200, queuePage(this.shell.of(session, model.serverNow), { ...model, ...(notice ? { notice } : {}) }));
    }

    @Get('queue/rows')
    async rows(@Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return this.shell.unauthorized(res);
      const model = await this.queue.model(req, session.role, { choices: false });
      this.shell.sendPart(res, queueBody(this.shell.of(session, model.serverNow), model), model.serverNow);
    }

    @Get('events')
    stream(@Req() req: Request, @Res() res: Response): void {
      const session = this.auth.session(req);
      if (!session) return this.shell.unauthorized(res);
      const outcome = this.events.subscribe(res, session);
      if (outcome === 'open' || outcome === 'gone') return;
      // 429: this sign-in has enough streams open (tabs); 503: the replica is full or stopping.
      const [status, text] = outcome === 'session-full' ? [429, STRINGS.errors.tooManySessionStreams] : [503, outcome === 'closing' ? STRINGS.errors.stopping : STRINGS.errors.tooManyStreams];
      res.setHeader('Retry-After', '30');
      res.status(status).type('text/plain').send(text);
    }
  }
  return ConsoleQueueController;
}
