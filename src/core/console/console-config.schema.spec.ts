import { consoleSchema } from './console-config.schema';

const TOKEN = 'a-shared-console-token-0123';

describe('consoleSchema', () => {
  it('refuses one token for two accounts, naming both and never the token', () => {
    const result = consoleSchema.safeParse({
      viewers: [{ name: 'maria', token: TOKEN }, { name: 'ana', token: TOKEN }],
      operators: [{ name: 'oleg', token: 'operator-token-oleg-0123456789' }],
    });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => ({ path: i.path, message: i.message }));
    expect(issues).toEqual([{ path: ['viewers', 1, 'token'], message: 'viewer ana has the same token as viewer maria; give each sign-in its own token' }]);
    expect(JSON.stringify(issues)).not.toContain(TOKEN);
  });

  it('accepts distinct tokens', () => {
    expect(consoleSchema.safeParse({ viewers: [{ name: 'maria', token: TOKEN }], operators: [{ name: 'oleg', token: `${TOKEN}-other` }] }).success).toBe(true);
  });
});
