import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { HUB_CONFIG } from '../config/settings.tokens';
import { type LoadedConfig } from '../config/load-config';
import { problem } from './problem';

/** Bearer ADMIN_TOKEN, compared in constant time; without a token the admin API stays closed. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(HUB_CONFIG) config: LoadedConfig) {
    const token = config.hub.admin.token;
    this.expected = token ? digest(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw problem(403, 'Forbidden', 'the admin API is disabled: set ADMIN_TOKEN to enable it');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match?.[1]) throw problem(401, 'Unauthorized', 'missing header authorization: Bearer <ADMIN_TOKEN>', { header: 'authorization' });
    // Hashing first makes both sides the same length, as timingSafeEqual requires.
    if (!timingSafeEqual(digest(match[1]), this.expected)) {
      throw problem(401, 'Unauthorized', 'authorization: the bearer token is not valid', { header: 'authorization' });
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
