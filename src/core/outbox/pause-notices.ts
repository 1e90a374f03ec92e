import { type EventEmitter2 } from '@nestjs/event-emitter';
import { type Clock } from '../clock/clock';
import { OUTBOX_ENQUEUED } from '../events/domain-events';
import { type Database } from '../persistence/database';
import { type RulesStore } from '../rules/rules-store';
import { type CircuitListener } from './outbox-worker';
import { enqueueDeliveries } from './outbox-writer';
import { operatorNotice, toDutyTargets } from './payload-builder';

/**
 * Tells the duty targets once when refused credentials pause a connector (or one target): the
 * breaker's transition to "paused" happens in one replica's transaction only, and the notice's
 * key names the pause, so a second look cannot send it again. The paused place itself is not
 * told (it cannot be reached); every other duty target is.
 */
export function pauseNotices(db: Database, rules: RulesStore, clock: Clock, events: EventEmitter2): CircuitListener {
  return async (change, circuit) => {
    if (change !== 'paused') return;
    const current = rules.current.rules;
    const paused = (t: { name: string; connector: string }) => t.connector === circuit.connector && (circuit.target === '' || t.name === circuit.target);
    const others = current.duty.targets.filter((t) => !paused(t)).map((t) => t.name);
    if (others.length === 0) return;
    const where = circuit.target === '' ? `every delivery through ${circuit.connector}` : `deliveries to ${circuit.target} (${circuit.connector})`;
    const wait = circuit.probeAt ? ` A probe tries again at ${circuit.probeAt.toISOString()}.` : '';
    const payload = operatorNotice({
      topic: 'outbox.paused',
      text: `🔒 ${where} paused: the credentials were refused (${circuit.lastError ?? 'no detail'}). They are held, not dropped, and go out once the credentials work.${wait}`,
    });
    const openedAt = (circuit.openedAt ?? new Date(clock.now())).toISOString();
    const notices = toDutyTargets(current, others, { key: (target) => `outbox:paused:${circuit.connector}:${circuit.target}:${openedAt}:${target}`, payload });
    const written = await db.transaction((sql) => enqueueDeliveries(sql, notices, new Date(clock.now())));
    if (written > 0) events.emit(OUTBOX_ENQUEUED, written);
  };
}
