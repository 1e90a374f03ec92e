import { authorization, zendeskAddresses, zendeskConfigSchema, zendeskTargetSchema } from './zendesk.config';

function issues(value: unknown): string[] {
  const parsed = zendeskConfigSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('zendesk settings', () => {
  it('takes a subdomain with an email and API token, with defaults for the rest', () => {
    const parsed = zendeskConfigSchema.parse({ subdomain: 'acme', email: 'hub@acme.test', apiToken: 'tok-1', webhook: { secret: 'signing-secret' } });
    expect(parsed).toMatchObject({ timeout: 15_000, webhook: { path: '/zendesk/webhook', tolerance: 300_000 } });
    expect(zendeskAddresses(parsed)).toEqual({ api: 'https://acme.zendesk.com', agent: 'https://acme.zendesk.com' });
    expect(authorization(parsed)).toBe(`Basic ${Buffer.from('hub@acme.test/token:tok-1').toString('base64')}`);
  });

  it('a baseUrl (a proxy) serves the API while the subdomain still names the links', () => {
    const parsed = zendeskConfigSchema.parse({ subdomain: 'acme', baseUrl: 'http://proxy.internal:8080/', oauthToken: 'oauth-1' });
    expect(zendeskAddresses(parsed)).toEqual({ api: 'http://proxy.internal:8080', agent: 'https://acme.zendesk.com' });
    expect(authorization(parsed)).toBe('Bearer oauth-1');
  });

  it('wants exactly one way to sign in, and says where, never echoing a value', () => {
    expect(issues({ subdomain: 'acme' })).toEqual(['apiToken: expected email with apiToken (an API token), or oauthToken']);
    expect(issues({ subdomain: 'acme', email: 'hub@acme.test', apiToken: 'secret-token-1', oauthToken: 'secret-oauth-1' })).toEqual(['oauthToken: expected one way to sign in: email with apiToken, or oauthToken, not both']);
    expect(issues({ subdomain: 'acme', apiToken: 'secret-token-1' })).toEqual(['email: expected the email of the agent the apiToken belongs to']);
    expect(issues({ subdomain: 'acme', email: 'hub@acme.test' })).toEqual(['apiToken: expected the API token that goes with email']);
    expect(issues({ oauthToken: 'secret-oauth-1' })).toEqual(['subdomain: expected subdomain (acme for https://acme.zendesk.com) or baseUrl']);
    expect(issues({ subdomain: 'https://acme.zendesk.com', oauthToken: 'x' })[0]).toMatch(/^subdomain: expected the subdomain/);
  });

  it('reads a ticket target’s to:', () => {
    expect(zendeskTargetSchema.parse({ groupId: 123, brandId: '7', customFields: { '360001': 'gold' } })).toEqual({ groupId: 123, brandId: 7, customFields: { '360001': 'gold' }, commentsPublic: false });
    expect(zendeskTargetSchema.safeParse({ group: 123 }).success).toBe(false);
    expect(zendeskTargetSchema.safeParse({ customFields: { tier: 'gold' } }).success).toBe(false);
  });
});
