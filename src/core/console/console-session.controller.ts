import { Controller, Get, Post, Req, Res, type Type } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { ConsoleAuth } from './console-auth';
import { ConsoleShell } from './console-shell';
import { readForm } from './form-body';
import { errorPage } from './pages/error.page';
import { signInPage } from './pages/sign-in.page';
import { STRINGS } from './strings.en';

/** Sign-in and sign-out under the console's prefix (`base` without its leading slash). */
export function consoleSessionController(base: string): Type {
  @Controller(base)
  class ConsoleSessionController {
    constructor(
      private readonly auth: ConsoleAuth,
      private readonly shell: ConsoleShell,
    ) {}

    @Get('sign-in')
    signInForm(@Req() req: Request, @Res() res: Response): void {
      if (this.auth.session(req)) return res.redirect(303, this.auth.paths.home);
      const signedOut = req.query['signed-out'] !== undefined;
      this.shell.send(res, 200, signInPage(this.shell.of(), signedOut ? { text: STRINGS.signIn.signedOut, error: false } : undefined));
    }

    @Post('sign-in')
    async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
      if (!this.auth.originAllowed(req)) return this.shell.send(res, 403, errorPage(this.shell.of(), STRINGS.signIn.title, STRINGS.errors.csrf));
      const token = (await readForm(req)).get('token')?.trim() ?? '';
      if (token === '') return this.shell.send(res, 400, signInPage(this.shell.of(), { text: STRINGS.signIn.missing, error: true }));
      const outcome = this.auth.signIn(token, this.auth.clientAddress(req));
      if (!outcome.ok) {
        if (outcome.reason === 'invalid') return this.shell.send(res, 401, signInPage(this.shell.of(), { text: STRINGS.signIn.failed, error: true }));
        const seconds = Math.ceil(outcome.retryAfterMs / 1000);
        res.setHeader('Retry-After', String(seconds));
        return this.shell.send(res, 429, signInPage(this.shell.of(), { text: STRINGS.signIn.tooMany(seconds), error: true }));
      }
      res.setHeader('Set-Cookie', this.auth.setCookie(req, outcome.session));
      res.redirect(303, this.auth.paths.home);
    }

    @Post('sign-out')
    async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
      const session = this.auth.session(req);
      const form = await readForm(req);
      // Signing someone out is a change too: another site must not be able to do it. Its POST
      // arrives without the SameSite=Strict cookie, so the origin is checked with or without one.
      if (!this.auth.originAllowed(req) || (session && !this.auth.postAllowed(req, session, form.get('csrf') ?? undefined))) {
        return this.shell.send(res, 403, errorPage(this.shell.of(session), STRINGS.signOut, STRINGS.errors.csrf));
      }
      res.setHeader('Set-Cookie', this.auth.clearCookie(req));
      res.redirect(303, `${this.auth.paths.signIn}?signed-out`);
    }
  }
  return ConsoleSessionController;
}
