import { safeAddress } from './safe-address';

describe('safeAddress', () => {
  it('shows addresses, hides secret-sounding fields and cuts URLs to their origin', () => {
    expect(safeAddress({ chatId: -1001234567890, topicId: 7 })).toBe('chatId: -1001234567890, topicId: 7');
    expect(safeAddress({ url: 'https://hooks.example.com/services/T0/B0/s3cr3t', apiToken: 'abc', nested: { password: 'p', channel: '#duty' } })).toBe(
      'url: https://hooks.example.com/…, apiToken: [redacted], nested: { password: [redacted], channel: #duty }',
    );
  });

  it('hides credentials by their words and by their shape, and keeps names that only look alike', () => {
    const shown = safeAddress({
      assignee: 'alice',
      signingSecret: 's',
      'x-api-key': 'k',
      privateKey: 'p',
      webhook: 'hooks.slack.com/services/T0/B0/XXXX',
      relative: '//hooks.example.com/path/s3cr3t',
      spaced: ' https://hooks.example.com/services/s3cr3t',
      header: 'Bearer abc.def',
      query: 'token=abc',
      email: 'duty@example.com',
    });
    expect(shown).toBe(
      'assignee: alice, signingSecret: [redacted], x-api-key: [redacted], privateKey: [redacted], webhook: hooks.slack.com/…, relative: hooks.example.com/…, spaced: https://hooks.example.com/…, header: [redacted], query: [redacted], email: duty@example.com',
    );
    for (const secret of ['XXXX', 's3cr3t', 'abc']) expect(shown).not.toContain(secret);
  });
});
