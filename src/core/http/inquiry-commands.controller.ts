import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { type Request } from 'express';
import { z } from 'zod';
import { problem } from './problem';
import { InquiryCommands, type InquiryCommand } from '../inquiries/inquiry-commands';
import { AdminGuard } from './admin.guard';
import { parseJsonBody, readRawBody } from './read-body';
import { unstorable } from '../intake/validate-message';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMMANDS: readonly InquiryCommand[] = ['hold', 'resume', 'resolve', 'escalate'];
const storableText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const reason = unstorable(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    });
const bodySchema = z.object({ by: storableText(200).pipe(z.string().min(1)).optional(), reason: storableText(1000).optional() }).strict();

/** `POST /api/v1/inquiries/:id/hold|resume|resolve|escalate` with an optional `{ by, reason }`. */
@Controller('api/v1/inquiries')
@UseGuards(AdminGuard)
export class InquiryCommandsController {
  constructor(private readonly commands: InquiryCommands) {}

  @Post(':id/:command')
  @HttpCode(200)
  async run(@Param('id') id: string, @Param('command') command: string, @Req() req: Request) {
    if (!(COMMANDS as readonly string[]).includes(command)) throw problem(404, 'Not Found', `unknown command "${command}" (hold, resume, resolve, escalate)`);
    if (!UUID.test(id)) throw problem(404, 'Not Found', `no inquiry ${id}`);
    const raw = await readRawBody(req, 16 * 1024);
    const parsed = bodySchema.safeParse(raw.length === 0 ? {} : parseJsonBody(raw));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw problem(422, 'Unprocessable Content', `/${issue?.path.join('/') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const outcome = await this.commands.run(command as InquiryCommand, id, { by: parsed.data.by ?? 'admin', ...(parsed.data.reason ? { reason: parsed.data.reason } : {}) });
    if (outcome.ok) return { id, status: outcome.status, deliveries: outcome.deliveries };
    const status = outcome.code === 'not_found' ? 404 : outcome.code === 'cooldown' ? 429 : 409;
    throw problem(status, status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Conflict', outcome.message);
  }
}
