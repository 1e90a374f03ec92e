import { safeAddress } from './safe-address';

describe('safeAddress', () => {
  it('shows addresses, hides secret-sounding fields and cuts URLs to their origin', () => {
    expect(safeAddress({ chatId: -1001234567890, topicId: 7 })).toBe('chatId: -1001234567890, topicId: 7');
    expect(safeAddress({ url: 'https://hooks.example.com/services/T0/B0/s3cr3t', apiToken: 'abc', nested: { password: 'p', channel: '#duty' } })).toBe(
      'url: https://hooks.example.com/…, apiToken: [redacted], nested: { password: [redacted], channel: #duty }',
    );
  });
});
