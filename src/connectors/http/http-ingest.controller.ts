import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { type Request } from 'express';
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
    const raw = await readBody(req);
    return this.connector.ingest(raw, req.headers);
  }
}

async function readBody(req: Request): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge() {
  return problem(413, 'Content Too Large', `the request body exceeds ${BODY_LIMIT} bytes`, { header: 'content-length' });
}
