import { Controller, Get, Logger, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { ConsoleAssets } from './console-assets';
import { ConsoleAuth } from './console-auth';
import { ConsoleShell } from './console-shell';
import { FiguresService } from './figures-service';
import { errorPage } from './pages/error.page';
import { figuresPage } from './pages/figures.page';
import { STRINGS } from './strings.en';

/**
 * The figures page and its CSV, for viewers and operators alike: the report of a period as
 * /slastat and GET /api/v1/reports compute it, and the same CSV as the API and the CLI.
 */
export function consoleFiguresController(base: string): Type {
  @Controller(base)
  class ConsoleFiguresController {
    private readonly logger = new Logger('console');

    constructor(
      private readonly auth: ConsoleAuth,
      private readonly shell: ConsoleShell,
      private readonly assets: ConsoleAssets,
      private readonly figures: FiguresService,
    ) {}

    @Get('figures')
    async page(@Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return res.redirect(303, this.auth.paths.signIn);
      const model = await this.figures.model(req);
      const shell = { ...this.shell.of(session), pageAssets: { css: [this.assets.urlName('uplot.css')], js: [this.assets.urlName('uplot.js'), this.assets.urlName('figures.js')] } };
      this.shell.send(res, model.error === undefined ? 200 : 400, figuresPage(shell, model));
    }

    @Get('figures/csv')
    async csv(@Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return this.shell.send(res, 401, errorPage(this.shell.of(), STRINGS.figures.title, STRINGS.errors.unauthorized));
      const refused = await this.figures.sendCsv(req, res, this.logger);
      if (refused) this.shell.send(res, 400, errorPage({ ...this.shell.of(session), current: 'figures' }, STRINGS.figures.title, STRINGS.figures.badPeriod(refused.error)));
    }
  }
  return ConsoleFiguresController;
}
