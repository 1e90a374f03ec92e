import * as sdk from './index';

describe('the plugin SDK entry point', () => {
  it('exports what a connector author needs, from one place', () => {
    expect(sdk.CONTRACT_VERSION).toBe(1);
    expect(new sdk.ConnectorError('RATE_LIMITED', '429', { retryAfterMs: 1000 })).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 1000 });
    expect(typeof sdk.secret).toBe('function');
    expect(typeof sdk.ReplywatchConnector).toBe('function');
    expect(sdk.AUTHOR_ROLES).toEqual(['customer', 'staff', 'bot']);
  });
});
