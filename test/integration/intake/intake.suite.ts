import { createIntake, expectedInquiries, inquiryShapes, message, rules } from '../../support/intake-harness';
import { resetTables, testBackend, useTestDatabase } from '../../support/test-database';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { type InboundConversation, type InboundMessage } from '../../../src/plugins/sdk/message';

describe(`intake (${testBackend})`, () => {
  const context = useTestDatabase();

  it('opens an inquiry at the customer message time and a staff reply answers it', async () => {
    const { intake, events } = createIntake(context.db);
    const opened: unknown[] = [];
    events.on('inquiry.opened', (e) => opened.push(e));

    const first = await intake.accept('http', message('c1', 'customer', 0));
    const more = await intake.accept('http', message('c1', 'customer', 3));
    const reply = await intake.accept('http', message('c1', 'staff', 57));

    expect(first).toMatchObject({ duplicate: false, role: 'customer', effect: 'opened' });
    expect(more).toMatchObject({ effect: 'updated', inquiryId: first.inquiryId });
    expect(reply).toMatchObject({ role: 'staff', effect: 'answered', inquiryId: first.inquiryId });
    const [row] = await context.db.query<Record<string, unknown>>(`SELECT * FROM inquiries`);
    expect(row).toMatchObject({
      status: 'answered',
      opened_at: new Date('2026-11-02T12:00:00Z'),
      answered_at: new Date('2026-11-02T12:57:00Z'),
      first_response_ms: 57 * 60_000,
      customer_message_count: 2,
      responder_id: 'agent-1',
    });
    expect(opened).toHaveLength(1);
  });

  it('changes nothing when the same message is accepted again', async () => {
    const { intake } = createIntake(context.db);
    const m = message('c1', 'customer', 0, 'same-id');
    await intake.accept('http', m);
    const again = await intake.accept('http', { ...m, text: 'edited copy' });
    expect(again).toMatchObject({ duplicate: true, effect: 'none' });
    expect(await inquiryShapes(context.db)).toEqual([
      { conversation: 'c1', opened_at: '2026-11-02T12:00:00.000Z', answered_at: null, customer_message_count: 1 },
    ]);
    expect(await context.db.query(`SELECT text FROM messages`)).toEqual([{ text: 'customer says hi' }]);
  });

  it('keeps message ids apart per conversation and per channel', async () => {
    const { intake } = createIntake(context.db);
    await intake.accept('http', message('c1', 'customer', 0, '1'));
    await intake.accept('http', message('c2', 'customer', 0, '1'));
    await intake.accept('telegram', message('c1', 'customer', 0, '1'));
    const [count] = await context.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inquiries WHERE status = 'open'`);
    expect(count?.n).toBe(3);
  });

  it('lets bot messages change nothing', async () => {
    const { intake } = createIntake(context.db);
    expect(await intake.accept('http', message('c1', 'bot', 0))).toMatchObject({ role: 'bot', effect: 'none', inquiryId: null });
    expect(await inquiryShapes(context.db)).toEqual([]);
  });

  it('decides the role from the staff registry when the sender does not say', async () => {
    const { intake } = createIntake(context.db, {
      rules: rules({ staff: [{ name: 'Alice', role: 'support', identities: [{ channel: 'http', id: 'alice' }] }] }),
    });
    await intake.accept('http', { ...message('c1', 'customer', 0), author: { id: 'client-9' } });
    const reply = await intake.accept('http', { ...message('c1', 'staff', 5), author: { id: 'alice', name: 'Alice' } });
    expect(reply).toMatchObject({ role: 'staff', effect: 'answered' });
    expect(await context.db.query(`SELECT role_source FROM messages ORDER BY id`)).toEqual([{ role_source: 'default' }, { role_source: 'registry' }]);
  });

  it('writes the notifications the runbook asks for in the same transaction, once per inquiry', async () => {
    const { intake } = createIntake(context.db, {
      rules: rules({ duty: { targets: [{ name: 'duty', connector: 'log' }] }, notify: { inquiryOpened: ['duty'], inquiryAnswered: ['duty'] } }),
    });
    const opened = await intake.accept('http', message('c1', 'customer', 0));
    await intake.accept('http', message('c1', 'customer', 1));
    await intake.accept('http', message('c1', 'staff', 2));
    const rows = await context.db.query<{ idempotency_key: string; status: string }>(`SELECT idempotency_key, status FROM deliveries ORDER BY created_at, idempotency_key`);
    expect(rows.map((r) => r.idempotency_key).sort()).toEqual([
      `inquiry:${opened.inquiryId}:answered:duty`,
      `inquiry:${opened.inquiryId}:opened:duty`,
    ]);
  });

  it('keeps each message’s link, and an opened notice carries the link of the message that opened the inquiry, also after a late reply splits it', async () => {
    const { intake } = createIntake(context.db, { rules: rules({ duty: { targets: [{ name: 'duty', connector: 'log' }] }, notify: { inquiryOpened: ['duty'] } }) });
    const link = (id: string) => `https://desk.example.com/t/${id}`;
    const first = await intake.accept('http', { ...message('c1', 'customer', 0, 'q1'), link: link('q1') });
    const later = await intake.accept('http', { ...message('c1', 'customer', 10, 'q2'), link: link('q2') });
    expect(later).toMatchObject({ effect: 'updated', inquiryId: first.inquiryId });
    // A staff reply at minute 5 arrives late: q1 was answered, q2 opened a new wait.
    await intake.accept('http', message('c1', 'staff', 5, 'r1'));
    await intake.accept('http', { ...message('c2', 'customer', 0, 'x1'), link: 'javascript:alert(1)' });
    expect(await context.db.query(`SELECT external_id, link FROM messages ORDER BY external_id`)).toEqual([
      { external_id: 'q1', link: link('q1') },
      { external_id: 'q2', link: link('q2') },
      { external_id: 'r1', link: null },
      { external_id: 'x1', link: null },
    ]);
    const opened = await context.db.query<{ payload: { conversation: { id: string; openingMessageId?: string; link: string | null } } }>(
      `SELECT payload FROM deliveries WHERE payload->>'event' = 'inquiry.opened' ORDER BY seq`,
    );
    expect(opened.map((r) => r.payload.conversation)).toEqual([
      { channel: 'http', id: 'c1', title: 'Chat c1', openingMessageId: 'q1', link: link('q1') },
      { channel: 'http', id: 'c1', title: 'Chat c1', openingMessageId: 'q2', link: link('q2') },
      { channel: 'http', id: 'c2', title: 'Chat c2', openingMessageId: 'x1', link: null },
    ]);
  });

  it('sends opened notices past the per-minute storm limit as one digest per duty target, each once', async () => {
    const { intake } = createIntake(context.db, {
      rules: rules({ duty: { targets: [{ name: 'duty', connector: 'log' }], stormLimitPerMinute: 3 }, notify: { inquiryOpened: ['duty'] } }),
    });
    // Ten chats open inquiries in one minute: in one batch, then one more on the careful path (late).
    await Promise.all(Array.from({ length: 10 }, (_, i) => intake.accept('http', message(`storm-${i}`, 'customer', i / 10))));
    await intake.accept('http', message('storm-0', 'customer', -5));
    const rows = await context.db.query<{ kind: string; idempotency_key: string; payload: { items?: Array<{ key: string; text: string }> } }>(
      `SELECT kind, idempotency_key, payload FROM deliveries ORDER BY id`,
    );
    expect(rows.filter((r) => r.kind === 'notify')).toHaveLength(3);
    const digests = rows.filter((r) => r.kind === 'digest');
    expect(digests).toHaveLength(1);
    const items = digests[0]?.payload.items ?? [];
    expect(items).toHaveLength(7);
    expect(items.every((item) => item.text.startsWith('🆕 New inquiry'))).toBe(true);
    // Every inquiry's notice exists exactly once, on its own or as a digest item.
    const keys = [...rows.filter((r) => r.kind === 'notify').map((r) => r.idempotency_key), ...items.map((item) => item.key)];
    expect(new Set(keys).size).toBe(10);
  });

  it('records each change in the inquiry event log with who and why', async () => {
    const { intake } = createIntake(context.db);
    const { inquiryId } = await intake.accept('http', message('c1', 'customer', 10));
    await intake.accept('http', message('c1', 'staff', 20));
    await intake.accept('http', message('c1', 'customer', 5)); // arrives late, was written first
    const log = await context.db.query<{ type: string; actor: string; reason: string | null }>(
      `SELECT type, actor, reason FROM inquiry_events WHERE inquiry_id = $1 ORDER BY id`,
      [inquiryId],
    );
    expect(log).toEqual([
      { type: 'opened', actor: 'customer:client-1', reason: null },
      { type: 'answered', actor: 'staff:agent-1', reason: null },
      { type: 'extended', actor: 'customer:client-1', reason: 'an earlier customer message arrived late' },
    ]);
    const [row] = await context.db.query<{ first_response_ms: number }>(`SELECT first_response_ms FROM inquiries WHERE id = $1`, [inquiryId]);
    expect(row?.first_response_ms).toBe(15 * 60_000);
  });

  it('ends with the same inquiries whatever order the messages arrive in', async () => {
    const random = seeded(42);
    for (let round = 0; round < 6; round++) {
      await resetTables(context.db);
      const messages = Array.from({ length: 40 }, () =>
        message(`c${Math.floor(random() * 3)}`, random() < 0.6 ? 'customer' : random() < 0.9 ? 'staff' : 'bot', Math.floor(random() * 30)),
      );
      const shuffled = [...messages].sort(() => random() - 0.5);
      const { intake } = createIntake(context.db, { maxBatch: 1 + Math.floor(random() * 8) });
      await Promise.all(shuffled.map((m) => intake.accept('http', m)));
      expect(await inquiryShapes(context.db)).toEqual(expectedInquiries(messages));
    }
  });

  it('agrees with the replay when messages arrive in time order in batches of any size', async () => {
    const random = seeded(7);
    for (let round = 0; round < 4; round++) {
      await resetTables(context.db);
      const messages = Array.from({ length: 120 }, (_, i) =>
        message(`c${Math.floor(random() * 4)}`, random() < 0.55 ? 'customer' : random() < 0.9 ? 'staff' : 'bot', Math.floor(i / 3)),
      );
      const { intake } = createIntake(context.db, { maxBatch: 5 + Math.floor(random() * 60) });
      // Sent in waves, as a busy chat would: each wave is committed in one or a few batches.
      for (let start = 0; start < messages.length; start += 30) {
        await Promise.all(messages.slice(start, start + 30).map((m) => intake.accept('http', m)));
      }
      expect(await inquiryShapes(context.db)).toEqual(expectedInquiries(messages));
    }
  });

  it('rejects a message with an invalid date or empty id before storing anything', async () => {
    const { intake } = createIntake(context.db);
    await expect(intake.accept('http', { ...message('c1', 'customer', 0), sentAt: new Date('nope') })).rejects.toThrow('message.sentAt');
    await expect(intake.accept('http', { ...message('c1', 'customer', 0), id: '' })).rejects.toThrow('message.id');
    await expect(intake.accept('http', { ...message('c1', 'customer', 0), text: 'a\u0000b' })).rejects.toThrow('message.text: contains a NUL');
    // A valid neighbour in the same moment is unaffected.
    await expect(intake.accept('http', message('c1', 'customer', 0))).resolves.toMatchObject({ effect: 'opened' });
    expect(await context.db.query(`SELECT id FROM messages`)).toHaveLength(1);
  });

  it('stores an envelope with its receipt: a resend changes nothing, a reused id with another body is a conflict', async () => {
    const { intake } = createIntake(context.db);
    const first = message('env', 'customer', 0, 'e-1');
    expect(await intake.acceptEnvelope('http', { id: 'msg_1', fingerprint: 'f1' }, [first])).toMatchObject({ status: 'accepted', results: [{ effect: 'opened' }] });
    expect(await intake.acceptEnvelope('http', { id: 'msg_1', fingerprint: 'f1' }, [first])).toEqual({ status: 'replayed' });
    const other = await intake.acceptEnvelope('http', { id: 'msg_1', fingerprint: 'f2' }, [message('env', 'customer', 1, 'e-2')]);
    expect(other).toEqual({ status: 'conflict', detail: expect.stringContaining('msg_1') as unknown });
    // Receipts are per channel: the same id elsewhere is another envelope.
    expect(await intake.acceptEnvelope('mail', { id: 'msg_1', fingerprint: 'f2' }, [message('env', 'customer', 1, 'e-3')])).toMatchObject({ status: 'accepted' });
    // Racing: one stores, whichever comes first (on a server the lookups run side by side), and
    // the other sees it.
    const racing = await Promise.all([
      intake.acceptEnvelope('http', { id: 'msg_2', fingerprint: 'g1' }, [message('env2', 'customer', 0, 'r-1')]),
      intake.acceptEnvelope('http', { id: 'msg_2', fingerprint: 'g2' }, [message('env2', 'customer', 0, 'r-2')]),
    ]);
    expect(racing.map((o) => o.status).sort()).toEqual(['accepted', 'conflict']);
    const winner = racing[0]?.status === 'accepted' ? 'r-1' : 'r-2';
    expect((await context.db.query<{ id: string }>(`SELECT external_id AS id FROM messages ORDER BY external_id`)).map((r) => r.id)).toEqual(['e-1', 'e-3', winner]);
  });

  it('answers a resend of an accepted envelope as replayed even once its message no longer passes, and claims equal ids in one batch once', async () => {
    const clock = new VirtualClock('2026-11-02T18:00:00Z');
    const { intake } = createIntake(context.db, { clock });
    const old = message('late', 'customer', 0, 'late-1');
    expect(await intake.acceptEnvelope('http', { id: 'msg_late', fingerprint: 'l1' }, [old])).toMatchObject({ status: 'accepted' });
    // A year on, the message is older than intake.maxMessageAge: new, it would be refused.
    await clock.advance(366 * 86_400_000);
    expect(await intake.acceptEnvelope('http', { id: 'msg_late', fingerprint: 'l1' }, [old])).toEqual({ status: 'replayed' });
    expect(await intake.acceptEnvelope('http', { id: 'msg_late', fingerprint: 'other' }, [old])).toMatchObject({ status: 'conflict' });
    await expect(intake.acceptEnvelope('http', { id: 'msg_new' }, [old])).rejects.toThrow('intake.maxMessageAge');
    // Three envelopes with one id, queued together: they share a batch and its one claim.
    const fresh = (id: string) => ({ ...message('same', 'customer', 0, id), sentAt: new Date(clock.now() - 60_000) });
    const outcomes = await Promise.all([
      intake.acceptEnvelope('http', { id: 'msg_same', fingerprint: 's1' }, [fresh('s-1')]),
      intake.acceptEnvelope('http', { id: 'msg_same', fingerprint: 's1' }, [fresh('s-1')]),
      intake.acceptEnvelope('http', { id: 'msg_same', fingerprint: 's2' }, [fresh('s-2')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'replayed', 'conflict']);
    expect(await context.db.query(`SELECT external_id FROM messages WHERE external_id LIKE 's-%'`)).toEqual([{ external_id: 's-1' }]);
  });

  it('refuses a receipt the table cannot hold, and a failed envelope leaves no receipt behind', async () => {
    const { intake } = createIntake(context.db);
    await expect(intake.acceptEnvelope('http', { id: 'x'.repeat(257) }, [message('r', 'customer', 0)])).rejects.toThrow('receipt.id');
    await expect(intake.acceptEnvelope('http', { id: 'msg_\ud800' }, [message('r', 'customer', 0)])).rejects.toThrow('receipt.id: contains half');
    await expect(intake.acceptEnvelope('http', { id: 'msg_3' }, [message('r', 'customer', 0), { ...message('r', 'customer', 1), text: 'a\u0000' }])).rejects.toThrow('[1] message.text');
    expect(await context.db.query(`SELECT receipt_id FROM ingest_receipts`)).toEqual([]);
    // Fixed, the same id goes through.
    expect(await intake.acceptEnvelope('http', { id: 'msg_3' }, [message('r', 'customer', 0)])).toMatchObject({ status: 'accepted' });
  });

  it('stores a fallback title only where a conversation has none: a named one keeps its name on both paths, and a later title replaces the fallback', async () => {
    const { intake } = createIntake(context.db, { rules: rules({ duty: { targets: [{ name: 'duty', connector: 'log' }] }, notify: { inquiryOpened: ['duty'] } }) });
    const titleOf = async (id: string) => (await context.db.query<{ title: string | null }>(`SELECT title FROM conversations WHERE external_id = $1`, [id]))[0]?.title;
    const inTopic = (conversation: InboundConversation, at: number): InboundMessage => ({ ...message(conversation.id, 'customer', at), conversation });

    await intake.accept('http', inTopic({ id: 'g:10', fallbackTitle: 'G › topic 10' }, 0));
    const [opened] = await context.db.query<{ payload: { text: string } }>(`SELECT payload FROM deliveries WHERE payload->>'event' = 'inquiry.opened'`);
    expect(opened?.payload.text).toBe('🆕 New inquiry — G › topic 10');
    await intake.accept('http', inTopic({ id: 'g:10', title: 'G › Exports' }, 1));
    expect(await titleOf('g:10')).toBe('G › Exports');
    // A newer message (one batch statement) and an older one (the careful path) offer the fallback again.
    await intake.accept('http', inTopic({ id: 'g:10', fallbackTitle: 'G › topic 10' }, 2));
    await intake.accept('http', inTopic({ id: 'g:10', fallbackTitle: 'G › topic 10' }, -5));
    expect(await titleOf('g:10')).toBe('G › Exports');

    // Untitled so far, then an older message with a fallback: the careful path fills the gap.
    await intake.accept('http', inTopic({ id: 'g:11' }, 0));
    expect(await titleOf('g:11')).toBeNull();
    await intake.accept('http', inTopic({ id: 'g:11', fallbackTitle: 'G › topic 11' }, -5));
    expect(await titleOf('g:11')).toBe('G › topic 11');
    // …and the first fallback stays: a second one does not replace it.
    await intake.accept('http', inTopic({ id: 'g:11', fallbackTitle: 'G (renamed) › topic 11' }, 3));
    expect(await titleOf('g:11')).toBe('G › topic 11');
  });
});

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}
