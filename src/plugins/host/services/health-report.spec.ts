import { type Health } from '../../sdk/services';
import { keptHealth } from './health-report';

describe('keptHealth', () => {
  const scrub = (text: string) => text.split('hunter22').join('[redacted]');

  it('keeps parts with secrets scrubbed and drops what would break metrics', () => {
    const reported = {
      status: 'degraded',
      detail: 'login hunter22 refused',
      parts: [
        { name: 'a/INBOX', status: 'up', detail: 'idling', backlog: 3, lastSyncAt: '2026-12-01T10:00:00.000Z' },
        { name: 'b/INBOX', status: 'down', detail: 'password hunter22 refused', backlog: Number.NaN, lastSyncAt: 'yesterday' },
        { name: 'c', status: 'sleepy' },
        { status: 'up' },
      ],
    } as unknown as Health;
    expect(keptHealth(reported, scrub)).toEqual({
      status: 'degraded',
      detail: 'login [redacted] refused',
      parts: [
        { name: 'a/INBOX', status: 'up', detail: 'idling', backlog: 3, lastSyncAt: '2026-12-01T10:00:00.000Z' },
        { name: 'b/INBOX', status: 'down', detail: 'password [redacted] refused' },
      ],
    });
  });

  it('leaves a health without parts as it was', () => {
    expect(keptHealth({ status: 'up' }, scrub)).toEqual({ status: 'up' });
  });
});
