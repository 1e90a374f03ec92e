import { toConnectorError } from './mail-error.mapper';

describe('toConnectorError', () => {
  it('tells a refused login from a server that cannot check logins right now', () => {
    expect(toConnectorError({ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseText: 'Authentication failed.' }, 'support/INBOX')).toMatchObject({
      code: 'AUTH_FAILED',
      message: 'support/INBOX: the server refused the login (Authentication failed.); check the user and the password, app password or access token',
    });
    expect(toConnectorError({ authenticationFailed: true, serverResponseCode: 'UNAVAILABLE', responseText: 'Temporary authentication failure.' }, 'support/INBOX')).toMatchObject({ code: 'TEMPORARY' });
  });

  it('names missing mailboxes, certificates, throttling and unreachable servers', () => {
    expect(toConnectorError({ mailboxMissing: true, responseText: 'Mailbox does not exist' }, 'x').code).toBe('NOT_FOUND');
    expect(toConnectorError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'x')).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('set caFile') as unknown });
    expect(toConnectorError({ code: 'ETHROTTLE', throttleReset: 5000 }, 'x')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 5000 });
    expect(toConnectorError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'x').code).toBe('TEMPORARY');
  });
});
