import { timingSafeEqual } from 'node:crypto';
import { Controller, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { readRawBody } from '../../core/http/read-body';
import { TelegramConnector } from './telegram.connector';

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram's updates are small; anything near this is not one. */
const BODY_LIMIT = 1024 * 1024;

/**
 * Webhook mode: Telegram posts each update here. Answers 200 only after the update is
 * committed; a failure answers 500 and Telegram delivers it again later.
 */
@Controller('telegram/webhook')
export class TelegramWebhookController {
  constructor(private readonly connector: TelegramConnector) {}

  @Post()
  async receive(@Req() request: Request, @Res() response: Response): Promise<void> {
    const secretToken = this.connector.webhookSecret();
    if (secretToken === undefined) {
      response.status(404).json({ ok: false, description: 'the Telegram connector is not in webhook mode' });
      return;
    }
    if (!sameSecret(request.header(SECRET_HEADER), secretToken)) {
      response.status(401).json({ ok: false, description: `missing or wrong ${SECRET_HEADER} header` });
      return;
    }
    let update: unknown;
    try {
      update = JSON.parse((await readRawBody(request, BODY_LIMIT)).toString('utf8'));
    } catch {
      response.status(400).json({ ok: false, description: 'the body is not a JSON update' });
      return;
    }
    const outcome = await this.connector.receiveWebhook(update);
    const status = { accepted: 200, invalid: 400, failed: 500, stopped: 503 }[outcome];
    response.status(status).json({ ok: outcome === 'accepted' });
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
