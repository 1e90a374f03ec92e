import { z } from 'zod';
import { asConnectorError, collectSecrets, ConnectorError, contractMismatch, HttpProblem, problem, redactSecrets, scrubSecrets, secret } from './index';

describe('contract versions', () => {
  it('accepts the same major with an equal or lower minor, and explains every refusal', () => {
    expect(contractMismatch('2.5', '2.0')).toBeUndefined();
    expect(contractMismatch('2.5', '2.5')).toBeUndefined();
    expect(contractMismatch('2.5', '2.6')).toMatch(/newer than this hub's 2\.5; upgrade the hub/);
    expect(contractMismatch('2.5', '3.0')).toMatch(/another major version; upgrade the hub/);
    expect(contractMismatch('2.5', '1.9')).toMatch(/another major version; use a release of the plugin written for this contract/);
    expect(contractMismatch('2.4', 2)).toMatch(/expected a "major\.minor" string/);
    expect(contractMismatch('2.4', '2.x')).toMatch(/expected a "major\.minor" string/);
  });
});

describe('secret()', () => {
  const schema = z
    .object({
      token: secret(z.string()),
      nested: z.object({ key: secret(z.string()).optional(), plain: z.string() }).strict().prefault({ plain: 'p' }),
      list: z.array(z.object({ password: secret(z.string().transform((s) => s.trim())) })).default([]),
      byName: z.record(z.string(), secret(z.string())).optional(),
      either: z.union([secret(z.string()), z.number()]).optional(),
    })
    .strict();

  it('redacts marked fields through wrappers, arrays, records, unions and transforms', () => {
    const value = schema.parse({ token: 't-0123', nested: { key: 'k-0123', plain: 'visible' }, list: [{ password: ' pw-0123 ' }], byName: { a: 'r-0123' }, either: 'u-0123' });
    expect(redactSecrets(schema, value)).toEqual({
      token: '[redacted]',
      nested: { key: '[redacted]', plain: 'visible' },
      list: [{ password: '[redacted]' }],
      byName: { a: '[redacted]' },
      either: '[redacted]',
    });
    expect(collectSecrets(schema, value).sort()).toEqual(['k-0123', 'pw-0123', 'r-0123', 't-0123', 'u-0123']);
  });

  it('scrubs each secret and its URL-encoded form from text, leaving short values alone', () => {
    expect(scrubSecrets('GET /send?key=a%2Fb%2Bc and a/b+c', ['a/b+c'])).toBe('GET /send?key=[redacted] and [redacted]');
    expect(scrubSecrets('abc', ['ab'])).toBe('abc');
  });

  it('marks schemas in a registry shared by every copy of the SDK in the process', () => {
    const registry = (globalThis as unknown as Record<symbol, WeakSet<object>>)[Symbol.for('replywatch.sdk.secret-schemas')];
    const marked = secret(z.string());
    expect(registry?.has(marked)).toBe(true);
  });
});

describe('errors across copies of the SDK', () => {
  it('recognises a ConnectorError or a problem made by another copy by its brand, keeping code and wait', () => {
    const foreign = Object.assign(new Error('429 from the peer'), { name: 'ConnectorError', code: 'RATE_LIMITED', retryAfterMs: 7000 });
    Object.defineProperty(foreign, Symbol.for('replywatch.sdk.connector-error'), { value: true });
    expect(ConnectorError.is(foreign)).toBe(true);
    const local = asConnectorError(foreign);
    expect(local).toBeInstanceOf(ConnectorError);
    expect(local).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000, retryable: true });
    expect(ConnectorError.is(Object.assign(new Error('x'), { code: 'RATE_LIMITED' }))).toBe(false);
    expect(asConnectorError(new Error('plain')).code).toBe('UNKNOWN');
    expect(HttpProblem.is(problem(409, 'Conflict'))).toBe(true);
    expect(HttpProblem.is({ problem: {} })).toBe(false);
  });
});
