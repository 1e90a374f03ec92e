import { VirtualClock } from '../clock/virtual-clock';
import { rulesSchema } from '../config/rules.schema';
import { type Database } from '../persistence/database';
import { FOLLOW_INTERVAL_MS, TicketFollower } from './ticket-follower';

/** No ticket targets: a pass reads nothing and only says when to look again. */
const rules = rulesSchema.parse({ version: 1 });
const untouched = new Proxy({}, { get: () => { throw new Error('the database is not read without ticket targets'); } }) as Database;
const follower = (pollInterval?: number) => new TicketFollower(untouched, new VirtualClock(0), () => rules, () => undefined, pollInterval);

describe('TicketFollower pace', () => {
  it('looks every 30 s with the production poll (1 s), and at the outbox poll when that is slower', async () => {
    expect(await follower().pass()).toBe(FOLLOW_INTERVAL_MS);
    expect(await follower(1000).pass()).toBe(30_000);
    expect(await follower(10 * 60_000).pass()).toBe(10 * 60_000);
  });
});
