import { PassThrough } from 'node:stream';
import { progress, withProgress } from './progress';

function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 }) as unknown as NodeJS.WriteStream;
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, written: () => text };
}

describe('progress', () => {
  it('on a terminal, redraws one line with the seconds and erases it when done', async () => {
    const { stream, written } = terminal(true);
    let now = 0;
    const line = progress(stream, () => now);
    await withProgress(
      'opening the database…',
      () => {
        now = 2500;
        line.update('applying migrations…');
        return Promise.resolve();
      },
      line,
    );
    await new Promise(setImmediate);
    expect(written()).toBe('\r\x1b[2Kopening the database…\r\x1b[2Kapplying migrations… (2 s)\r\x1b[2K');
  });

  it('writes nothing when standard error is not a terminal', async () => {
    const { stream, written } = terminal(false);
    await withProgress('applying migrations…', () => Promise.resolve(), progress(stream));
    await new Promise(setImmediate);
    expect(written()).toBe('');
  });
});
