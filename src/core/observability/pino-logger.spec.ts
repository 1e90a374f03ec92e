import { Writable } from 'node:stream';
import { PinoLogger, prettyDestination, wantsPretty } from './pino-logger';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { lines, stream };
}

const records = (lines: string[]) => lines.map((line) => JSON.parse(line) as { level: number; msg: string; context?: string });

describe('PinoLogger', () => {
  it('puts Nest’s route mapping and module lines at debug, the hub’s own lines at info', () => {
    const out = capture();
    const logger = new PinoLogger('info', out.stream);
    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('HealthController {/health}:', 'RoutesResolver');
    logger.log('HubModule dependencies initialized', 'InstanceLoader');
    logger.log('Starting Nest application...', 'NestFactory');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('hub ready (pglite database)', 'hub');
    expect(records(out.lines).map((r) => [r.level, r.context, r.msg])).toEqual([[30, 'hub', 'hub ready (pglite database)']]);
  });

  it('still shows the boot chatter at debug', () => {
    const out = capture();
    new PinoLogger('debug', out.stream).log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(records(out.lines)).toEqual([expect.objectContaining({ level: 20, context: 'RouterExplorer', msg: 'Mapped {/health, GET} route' })]);
  });

  it('keeps warnings and errors of Nest’s own contexts at their level', () => {
    const out = capture();
    const logger = new PinoLogger('info', out.stream);
    logger.warn('slow', 'InstanceLoader');
    logger.error('failed', 'Error: failed\n    at x', 'NestApplication');
    expect(records(out.lines).map((r) => r.level)).toEqual([40, 50]);
  });
});

describe('log output', () => {
  it('is readable when asked, JSON when asked, and readable on a terminal when unset', () => {
    expect(wantsPretty({ level: 'info', pretty: true }, false)).toBe(true);
    expect(wantsPretty({ level: 'info', pretty: false }, true)).toBe(false);
    expect(wantsPretty({ level: 'info' }, true)).toBe(true);
    expect(wantsPretty({ level: 'info' }, false)).toBe(false);
    expect(wantsPretty({ level: 'info' }, undefined)).toBe(false);
  });

  it('writes a readable line with time, level name, context and message, not JSON', async () => {
    const out = capture();
    const logger = new PinoLogger('info', prettyDestination(out.stream, false));
    logger.warn('⚡ 15 minutes left — Acme support', 'connector:log');
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: \[connector:log\] ⚡ 15 minutes left — Acme support$/);
    expect(() => JSON.parse(out.lines[0] ?? '') as unknown).toThrow();
  });
});
