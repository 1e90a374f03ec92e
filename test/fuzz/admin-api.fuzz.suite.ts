import fc from 'fast-check';
import { ADMIN_TOKEN, ingestBody, startTestHub, type TestHub } from '../support/hub-harness';
import { testBackend } from '../support/test-database';
import { anyValue, FUZZ, hostileDate, hostileString, storedCounts } from './hostile';

/** Known parameter names, Express's bracket forms of them (arrays, objects) and any name at all. */
const parameterName = fc.oneof(
  fc.constantFrom('status', 'limit', 'before', 'channel', 'period', 'from', 'to', 'timezone', 'format', 'bom', 'tag', 'policy', 'conversation'),
  fc.constantFrom('status[]', 'channel[x]', 'limit[]', 'before[a][b]', 'period[]', 'timezone[]', '__proto__', 'constructor[prototype]'),
  hostileString(12),
);
const parameterValue = fc.oneof(hostileString(60), hostileDate.map(String), fc.constantFrom('open', 'dead', 'csv', 'json', '1', '0', '-1', '1e9', 'NaN', 'q3', '2026-Q3', 'last-month', 'Europe/Berlin', 'Mars/Olympus'));

/** Encodes like a client would; a string no client could send (half a surrogate pair) is skipped. */
function encode(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined;
  }
}

describe(`admin API under generated hostile input (${testBackend})`, () => {
  let hub: TestHub;
  let inquiryId: string;

  beforeAll(async () => {
    hub = await startTestHub();
    const opened = (await (await hub.post(ingestBody({ conversation: 'fuzz-admin' }))).json()) as { results: Array<{ inquiryId: string }> };
    inquiryId = opened.results[0]!.inquiryId;
  });

  afterAll(() => hub.close());

  it('never answers 5xx to hostile query strings, ids and paths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/inquiries', '/api/v1/deliveries', '/api/v1/reports', '/api/v1/inquiries/', '/api/v1/deliveries/'),
        fc.array(fc.tuple(parameterName, parameterValue), { maxLength: 4 }),
        hostileString(40),
        async (path, parameters, id) => {
          const encoded = parameters.map(([k, v]) => [encode(k), encode(v)]);
          const idPart = path.endsWith('/') ? encode(id) : '';
          fc.pre(encoded.every(([k, v]) => k !== undefined && v !== undefined) && idPart !== undefined);
          const query = encoded.map(([k, v]) => `${k}=${v}`).join('&');
          const response = await hub.admin(`${path}${idPart}${query ? `?${query}` : ''}`);
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        },
      ),
      FUZZ,
    );
  });

  it('never answers 5xx to hostile commands and bodies, and a refused command changes nothing', async () => {
    const body = fc.oneof(
      fc.record({ by: fc.oneof(hostileString(300), anyValue), reason: fc.oneof(hostileString(600), anyValue) }, { requiredKeys: [] }),
      anyValue.map((v) => JSON.stringify(v)),
      hostileString(50),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('hold', 'resume', 'resolve', 'delete', '', '..', 'hold%00'), fc.boolean(), hostileString(40), body, async (command, real, id, payload) => {
        const target = real ? inquiryId : encode(id);
        fc.pre(target !== undefined && target !== '');
        const before = await storedCounts(hub.db);
        const response = await hub.command(`/api/v1/inquiries/${target}/${command}`, payload);
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(await storedCounts(hub.db)).toEqual(before);
      }),
      FUZZ,
    );
  });

  it('keeps the admin API closed to hostile bearer tokens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), async (token) => {
        fc.pre(token !== ADMIN_TOKEN);
        const response = await hub.admin('/api/v1/inquiries', token);
        await response.arrayBuffer();
        expect([401, 403]).toContain(response.status);
      }),
      FUZZ,
    );
  });
});
