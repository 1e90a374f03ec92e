import { Inject, Injectable } from '@nestjs/common';
import { type Response } from 'express';
import { CLOCK, type Clock } from '../clock/clock';
import { ConsoleAssets } from './console-assets';
import { ConsoleAuth } from './console-auth';
import { type Html } from './html';
import { type Shell } from './pages/layout';
import { setPageHeaders } from './security-headers';
import { type ConsoleSession } from './session-codec';
import { STRINGS } from './strings.en';

/** What every page needs around it, and the one way pages are sent. */
@Injectable()
export class ConsoleShell {
  constructor(
    private readonly auth: ConsoleAuth,
    private readonly assets: ConsoleAssets,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  of(session?: ConsoleSession, serverNow = this.clock.now()): Shell {
    return {
      paths: this.auth.paths,
      assets: { css: this.assets.urlName('console.css'), js: this.assets.urlName('console.js') },
      serverNow,
      ...(session ? { session, csrf: this.auth.csrfToken(session) } : {}),
    };
  }

  send(res: Response, status: number, page: Html): void {
    setPageHeaders(res);
    res.status(status).type('text/html; charset=utf-8').send(page.value);
  }

  /** A part of a page that live updates fetch again, with the server's time for the countdowns. */
  sendPart(res: Response, part: Html, serverNow: number): void {
    res.setHeader('X-Server-Now', String(serverNow));
    this.send(res, 200, part);
  }

  /** Data and streams answer 401 without a sign-in (pages redirect instead); the script reloads into sign-in. */
  unauthorized(res: Response): void {
    setPageHeaders(res);
    res.status(401).type('text/plain').send(STRINGS.errors.unauthorized);
  }
}
