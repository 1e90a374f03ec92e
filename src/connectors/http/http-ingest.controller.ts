import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { type Request } from 'express';
import { readRawBody } from '../../core/http/read-body';
import { problem } from '../../plugins/contract/problem';
import { HttpConnector, type IngestResponse } from './http.connector';

/** Largest accepted request; batches bigger than this should be split by the sender. */
const BODY_LIMIT = 4 * 1024 * 1024;

@Controller('api/v1/messages')
export class HttpIngestController {
  constructor(private readonly connector: HttpConnector) {}

  /** Answers 200 only after every message in the request is committed. */
  @Post()
  @HttpCode(200)
  async ingest(@Req() req: Request): Promise<IngestResponse> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
      throw problem(415, 'Unsupported Media Type', 'content-type must be application/json', { header: 'content-type' });
    }
    const raw = await readRawBody(req, BODY_LIMIT);
    return this.connector.ingest(raw, req.headers);
  }
}
