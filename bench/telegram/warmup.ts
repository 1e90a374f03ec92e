import { type InboundMessage } from '../../src/plugins/sdk/message';
import { setTimeout as sleep } from 'node:timers/promises';
import { DUTY_CHAT, STAFF_USER, type BenchHub } from './hub';
import { runSchedule } from './schedule';
import { type LoadEvent } from './workload';

export const WARMUP_CHANNEL = 'warmup';
const WARMUP_CONVERSATIONS = 50;

/**
 * Unmeasured traffic before the baseline, so neither path is measured cold (JIT, the embedded
 * database's caches, the loopback keep-alive): half straight into IntakeService on a channel
 * of its own, half as plain messages in the duty chat (polled, routed, never recorded). The
 * checked channels and groups stay untouched.
 */
export async function warmUp(hub: BenchHub, rate: number, seconds: number): Promise<void> {
  const sink = { accept: (message: InboundMessage) => hub.intake.accept(WARMUP_CHANNEL, message) };
  const events: LoadEvent[] = Array.from({ length: rate * seconds }, (_, i) => ({ group: i % WARMUP_CONVERSATIONS, role: 'customer', at: (i * 1000) / rate }));
  await runSchedule(events, (i) => {
    if (i % 2 === 1) {
      hub.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: `warming up ${i}` });
      return;
    }
    const conversation = `w${i % WARMUP_CONVERSATIONS}`;
    void sink
      .accept({ conversation: { id: conversation, title: conversation }, id: `warmup-${i}`, text: `warming up ${i}`, sentAt: new Date(), author: { id: `c-${conversation}` } })
      .catch(() => undefined);
  });
  await hub.intake.drain();
  while (hub.peer.pendingUpdateCount > 0) await sleep(5);
}
