import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ConversationDirectory } from '../../../src/core/conversations/conversation-directory';
import { testBackend, useTestDatabase } from '../../support/test-database';

describe(`conversation directory (${testBackend})`, () => {
  const context = useTestDatabase();

  it('re-keys a chat and its topics together, and leaves a clash apart rather than merging', async () => {
    const directory = new ConversationDirectory(context.db, new VirtualClock('2026-11-23T09:00:00Z'));
    await directory.setTitle('telegram', '-4001', 'Small Co');
    await directory.setTitle('telegram', '-4001:7', 'Small Co › Billing');
    await directory.setTitle('telegram', '-40012', 'Another group whose id only starts the same');
    await directory.setTitle('telegram', '-1004001:7', 'Already there under the new id');
    await directory.setTitle('email', '-4001', 'Same id, other channel');

    const outcome = await directory.rekey('telegram', '-4001', '-1004001', ':');
    expect(outcome).toEqual({ moved: 1, clashes: ['-1004001:7'] });
    const rows = await context.db.query<{ channel: string; external_id: string; title: string }>(
      `SELECT channel, external_id, title FROM conversations ORDER BY channel, external_id COLLATE "C"`,
    );
    expect(rows).toEqual([
      { channel: 'email', external_id: '-4001', title: 'Same id, other channel' },
      { channel: 'telegram', external_id: '-1004001', title: 'Small Co' },
      { channel: 'telegram', external_id: '-1004001:7', title: 'Already there under the new id' },
      { channel: 'telegram', external_id: '-40012', title: 'Another group whose id only starts the same' },
      { channel: 'telegram', external_id: '-4001:7', title: 'Small Co › Billing' },
    ]);
  });
});
