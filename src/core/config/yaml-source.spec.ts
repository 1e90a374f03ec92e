import { z } from 'zod';
import { secret } from '../../plugins/sdk/secret';
import { ConfigError } from './config-error';
import { YamlSource } from './yaml-source';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('YamlSource.validateValue', () => {
  const source = YamlSource.parse('plugin.yaml', 'name: hunter2-name\ntoken: hunter2-token\n', {});

  it('scrubs the value an issue is about when a schema quotes it, and every secret anywhere', () => {
    const schema = z.object({
      name: z.string().refine(() => false, { message: 'never echo "hunter2-name" like this' }),
      token: secret(z.string().refine(() => false, { message: 'nor the token hunter2-token' })),
    });
    const message = messageOf(() => source.validate(schema));
    expect(message).toBe('plugin.yaml:1:7 name: never echo "[redacted]" like this\nplugin.yaml:2:8 token: nor the token [redacted]');
  });

  it('names the keys a section allows when one is unknown, through wrappers and arrays', () => {
    const schema = z.object({ items: z.array(z.object({ level: z.string() }).strict()).optional() }).strict();
    const withItems = YamlSource.parse('p.yaml', 'items:\n  - { level: x, levle: y }\n', {});
    expect(messageOf(() => withItems.validate(schema))).toBe('p.yaml:2:24 items[0].levle: unknown key; did you mean "level"? (known keys: level)');
  });
});
