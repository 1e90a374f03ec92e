import { Inject, Injectable } from '@nestjs/common';
import { type Response } from 'express';
import { CLOCK, type Clock } from '../clock/clock';
import { ConsoleAssets } from './console-assets';
import { ConsoleAuth } from './console-auth';
import { type Html } from './html';
import { type Shell } from './pages/layout';
import { setPageHeaders } from './security-headers';
import { type ConsoleSession } from './session-codec';

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
}
