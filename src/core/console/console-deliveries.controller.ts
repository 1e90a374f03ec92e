import { Controller, Get, Post, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { DeliveryReplay } from '../outbox/delivery-replay';
import { ConsoleAuth } from './console-auth';
import { ConsoleShell } from './console-shell';
import { DeliveriesService } from './deliveries-service';
import { queryParam } from './form-body';
import { type Notice } from './notice';
import { deliveriesBody, deliveriesPage } from './pages/deliveries.page';
import { errorPage } from './pages/error.page';
import { STRINGS } from './strings.en';

const D = STRINGS.deliveries;

/**
 * The deliveries page and its replay: one dead letter, or every dead letter of a connector
 * (and target), through the same DeliveryReplay as the admin API. Replays are operator-only,
 * same origin, with the session's CSRF token, and come back to the page saying how many.
 */
export function consoleDeliveriesController(base: string): Type {
  @Controller(base)
  class ConsoleDeliveriesController {
    constructor(
      private readonly auth: ConsoleAuth,
      private readonly shell: ConsoleShell,
      private readonly deliveries: DeliveriesService,
      private readonly replays: DeliveryReplay,
    ) {}

    @Get('deliveries')
    async page(@Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return res.redirect(303, this.auth.paths.signIn);
      const model = await this.deliveries.model(req, session.role);
      const notice = replayNotice(req);
      this.shell.send(res, 200, deliveriesPage(this.shell.of(session), { ...model, ...(notice ? { notice } : {}) }));
    }

    /** What live updates fetch again when deliveries changed: the same filters and page. */
    @Get('deliveries/live')
    async live(@Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return this.shell.unauthorized(res);
      const shell = this.shell.of(session);
      this.shell.sendPart(res, deliveriesBody(shell, await this.deliveries.model(req, session.role)), shell.serverNow);
    }

    @Post('deliveries/replay')
    async replay(@Req() req: Request, @Res() res: Response): Promise<void> {
      const gate = await this.auth.operatorPost(req);
      if (!gate.ok) return this.deny(req, res, gate.status, gate.text);
      const { form } = gate;
      const id = form.get('id');
      const connector = form.get('connector')?.trim();
      const target = form.get('target');
      // The list comes back filtered as it was; nothing else of the form is echoed.
      const back = new URLSearchParams();
      if (connector) back.set('connector', connector);
      if (target) back.set('target', target);
      if (id) {
        const outcome = await this.replays.one(id);
        back.set('replayed', String(outcome.ok ? outcome.replayed.length : 0));
      } else if (connector && connector.length <= 100 && (target === null || target.length <= 200)) {
        const replayed = await this.replays.many({ connector, ...(target !== null ? { target } : {}) });
        back.set('replayed', String(replayed.length));
      } else {
        back.set('refused', 'connector');
      }
      res.redirect(303, `${this.auth.paths.deliveries}?${back.toString()}`);
    }

    private deny(req: Request, res: Response, status: number, text: string): void {
      this.shell.send(res, status, errorPage(this.shell.of(this.auth.session(req)), D.title, text));
    }
  }
  return ConsoleDeliveriesController;
}

/** How many the last replay put back in line: a number from the redirect, never free text. */
function replayNotice(req: Request): Notice | undefined {
  if (queryParam(req, 'refused') === 'connector') return { text: D.replayNeedsConnector, error: true };
  const replayed = queryParam(req, 'replayed', 9);
  if (replayed === undefined || !/^\d+$/.test(replayed)) return undefined;
  const n = Number(replayed);
  return n > 0 ? { text: D.replayed(n), error: false } : { text: D.nothingReplayed, error: true };
}
