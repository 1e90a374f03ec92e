import { Controller, Get, Inject, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { CLOCK, type Clock } from '../clock/clock';
import { type LoadedConfig } from '../config/load-config';
import { HUB_CONFIG } from '../config/settings.tokens';
import { RulesStore } from '../rules/rules-store';
import { ConsoleAuth } from './console-auth';
import { ConsoleShell } from './console-shell';
import { queryParam } from './form-body';
import { runbookPage } from './pages/runbook.page';
import { runbookModel } from './runbook-view';
import { whatIf, type WhatIfQuery } from './runbook-what-if';

/**
 * The runbook page: the rules in force, read-only, for viewers and operators alike. Its
 * what-if form is a GET, so it changes nothing and needs no CSRF token; bad input comes back
 * as a message on the page (400), never as a server error.
 */
export function consoleRunbookController(base: string): Type {
  @Controller(base)
  class ConsoleRunbookController {
    constructor(
      private readonly auth: ConsoleAuth,
      private readonly shell: ConsoleShell,
      private readonly rules: RulesStore,
      @Inject(CLOCK) private readonly clock: Clock,
      @Inject(HUB_CONFIG) private readonly config: LoadedConfig,
    ) {}

    @Get('runbook')
    page(@Req() req: Request, @Res() res: Response): void {
      const session = this.auth.session(req);
      if (!session) return res.redirect(303, this.auth.paths.signIn);
      const query: WhatIfQuery = {
        policy: queryParam(req, 'policy'),
        calendar: queryParam(req, 'calendar'),
        from: queryParam(req, 'from'),
        minutes: queryParam(req, 'minutes'),
      };
      const asked = Object.values(query).some((v) => v !== undefined);
      // One read of the rules for the page and its answer, so a reload cannot fall between them.
      const { rules, sla } = this.rules.current;
      const now = this.clock.now();
      const outcome = asked ? whatIf(query, rules, sla, now) : undefined;
      const status = outcome && !outcome.ok ? 400 : 200;
      this.shell.send(res, status, runbookPage(this.shell.of(session, now), { ...runbookModel({ rules, sla }, now, this.config, this.rules.lastReload), query, outcome }));
    }
  }
  return ConsoleRunbookController;
}
