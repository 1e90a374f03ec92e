import fc from 'fast-check';
import { ingestBody, startTestHub, type TestHub } from '../support/hub-harness';
import { testBackend } from '../support/test-database';
import { anyValue, FUZZ, hostileDate, hostileString, longestStall, storedCounts } from './hostile';

const FIELDS = ['conversation.id', 'conversation.title', 'message.id', 'message.text', 'message.sentAt', 'author.id', 'author.name', 'author.role', 'author.email', 'extra', 'message.extra'] as const;

/** One field of an otherwise valid message set to something hostile (or removed). */
const mutation = fc.record({
  field: fc.constantFrom(...FIELDS),
  value: fc.oneof({ weight: 4, arbitrary: hostileString(200) }, { weight: 2, arbitrary: hostileDate }, { weight: 2, arbitrary: anyValue }, { weight: 1, arbitrary: fc.constant(undefined) }),
});

function mutated(mutations: Array<{ field: string; value: unknown }>): Record<string, unknown> {
  const message = ingestBody({ conversation: 'fuzz' }) as unknown as Record<string, Record<string, unknown>>;
  for (const { field, value } of mutations) {
    const [outer, inner] = field.split('.') as [string, string | undefined];
    if (inner === undefined) (message as Record<string, unknown>)[outer] = value;
    else if (value === undefined) delete message[outer]?.[inner];
    else (message[outer] as Record<string, unknown>)[inner] = value;
  }
  return message;
}

const hostileMessage = fc.array(mutation, { minLength: 1, maxLength: 2 }).map(mutated);
const validMessage = fc.constant(null).map(() => ingestBody({ conversation: 'fuzz-valid' }));

/** One message, a batch mixing valid and hostile ones, or any JSON at all. */
const hostileBody = fc.oneof(
  { weight: 4, arbitrary: hostileMessage },
  { weight: 3, arbitrary: fc.array(fc.oneof(hostileMessage, validMessage), { minLength: 1, maxLength: 5 }).map((messages) => ({ messages })) },
  { weight: 1, arbitrary: anyValue },
);

describe(`HTTP ingest under generated hostile input (${testBackend})`, () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ rules: { staff: [{ name: 'Alice', role: 'support', identities: [{ channel: 'http', id: 'alice' }] }] } });
  });

  afterAll(() => hub.close());

  it('never answers 5xx, stores a request whole when it answers 200 and nothing otherwise, and never stalls', async () => {
    const statuses = new Map<number, number>();
    const { stallMs, p99StallMs } = await longestStall(() =>
      fc.assert(
        fc.asyncProperty(hostileBody, async (body) => {
          const before = await storedCounts(hub.db);
          const response = await hub.post(body);
          const answer = (await response.json()) as { results?: Array<{ duplicate: boolean }> };
          const after = await storedCounts(hub.db);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status).toBeLessThan(500);
          if (response.status === 200) {
            const fresh = (answer.results ?? []).filter((r) => !r.duplicate).length;
            expect(after.messages - before.messages).toBe(fresh);
            expect(after.ingest_receipts - before.ingest_receipts).toBe(1);
          } else {
            expect(after).toEqual(before);
          }
        }),
        FUZZ,
      ),
    );
    // Each request is small; a stall this long would be the hub computing, not waiting.
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
    expect(p99StallMs).toBeLessThan(P99_STALL_LIMIT_MS);
    // The generator reached both sides: bodies taken whole and bodies refused.
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(422)).toBeGreaterThan(0);
    if (process.env.REPLYWATCH_FUZZ_REPORT) console.log({ statuses: Object.fromEntries(statuses), stallMs, p99StallMs });
  });

  it('never answers 5xx to hostile signature and content headers, and stores nothing for them', async () => {
    const header = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 300 }), fc.constantFrom('', ' ', 'v1,', 'v1,AAAA', '0', '-1', '99999999999999999999', 'application/json; charset=latin1'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type'), header, async (name, value) => {
        const before = await storedCounts(hub.db);
        const response = await hub.post(ingestBody({ conversation: 'fuzz-headers' }), { headers: { [name]: value } });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
        // Only a changed webhook-id can still be a valid request (the signature covers the id given).
        if (response.status !== 200) expect(await storedCounts(hub.db)).toEqual(before);
      }),
      FUZZ,
    );
  });
});

/** The longest a single stall may compute; the zero-date freeze was 68,000 ms. */
const STALL_LIMIT_MS = 1000;
/**
 * Held by 99 % of the stall samples: the bound for the hub. Stalls count the CPU this
 * process spent (longestStall), so other test files on the same cores do not inflate them.
 */
const P99_STALL_LIMIT_MS = 100;
