import { Controller, Get, Param, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { ConsoleAuth } from './console-auth';
import { ConsoleShell } from './console-shell';
import { InquiryDetails } from './inquiry-detail';
import { commandNotice } from './notice';
import { errorPage } from './pages/error.page';
import { inquiryBody, inquiryPage } from './pages/inquiry.page';
import { STRINGS } from './strings.en';

/** One inquiry's page, linked from its queue row, and its live part; its commands post to the console's command route. */
export function consoleInquiryController(base: string): Type {
  @Controller(base)
  class ConsoleInquiryController {
    constructor(
      private readonly auth: ConsoleAuth,
      private readonly shell: ConsoleShell,
      private readonly details: InquiryDetails,
    ) {}

    @Get('inquiries/:id')
    async page(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return res.redirect(303, this.auth.paths.signIn);
      const detail = await this.details.get(id);
      const shell = this.shell.of(session);
      if (!detail) return this.shell.send(res, 404, errorPage({ ...shell, current: 'queue' }, STRINGS.inquiry.title, STRINGS.inquiry.notFound));
      const notice = commandNotice(req);
      this.shell.send(res, 200, inquiryPage(shell, { detail, role: session.role, ...(notice ? { notice } : {}) }));
    }

    /** What live updates fetch again when this inquiry (or its deliveries) changed. */
    @Get('inquiries/:id/live')
    async live(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      if (!session) return this.shell.unauthorized(res);
      const detail = await this.details.get(id);
      const shell = this.shell.of(session);
      if (!detail) return this.shell.send(res, 404, errorPage({ ...shell, current: 'queue' }, STRINGS.inquiry.title, STRINGS.inquiry.notFound));
      this.shell.sendPart(res, inquiryBody(shell, { detail, role: session.role }), shell.serverNow);
    }
  }
  return ConsoleInquiryController;
}
