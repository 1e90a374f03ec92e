import { type IncomingMessage } from 'node:http';
import { problem } from './problem';

/**
 * The exact request bytes, up to `limit`. The hub runs without a global body parser, so that
 * signatures can be checked over raw bytes and body errors come back as problem+json.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => problem(413, 'Content Too Large', `the request body exceeds ${limit} bytes`, { header: 'content-length' });
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses JSON, saying where it broke without echoing the content. */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw problem(400, 'Malformed JSON', position ? `the body is not valid JSON (at byte ${position})` : 'the body is not valid JSON');
  }
}
