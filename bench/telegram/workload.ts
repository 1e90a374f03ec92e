import { type ConversationReplay, type Role } from './replay';

/**
 * Telegram dates are whole seconds, and the hub orders same-instant messages of a conversation
 * customer-first (not by arrival); keeping a group's messages this far apart in the sustained
 * phase makes arrival order and time order agree even when pushes run late.
 */
export const MIN_GAP_MS = 3000;
export const STAFF_SHARE = 0.2;
const PICK_TRIES = 64;

export interface LoadEvent {
  /** Index of the customer group (0 … groups-1). */
  group: number;
  role: Role;
  /** When it is due, in ms after the phase starts (0 for every burst event). */
  at: number;
}

export interface PhaseWorkload {
  events: LoadEvent[];
  customer: number;
  staff: number;
}

/**
 * The sustained stream: one event every 1000/rate ms; ~20 % staff replies aimed at a group
 * with a waiting inquiry, the rest customer messages in any group. No group gets two events
 * within MIN_GAP_MS. Applies every event to `replay` as it goes.
 */
export function buildSustained(groups: number, rate: number, seconds: number, random: () => number, replay: ConversationReplay): PhaseWorkload {
  const count = rate * seconds;
  const interval = 1000 / rate;
  const lastAt = new Float64Array(groups).fill(Number.NEGATIVE_INFINITY);
  const events: LoadEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * interval;
    const eligible = (group: number | undefined) => group !== undefined && at - (lastAt[group] ?? 0) >= MIN_GAP_MS;
    let role: Role = random() < STAFF_SHARE ? 'staff' : 'customer';
    let group = role === 'staff' ? pick(() => replay.randomOpen(random), eligible) : undefined;
    if (group === undefined) {
      role = 'customer';
      group = pick(() => Math.floor(random() * groups), eligible);
    }
    if (group === undefined) throw new Error(`no group free of messages in the last ${MIN_GAP_MS} ms; use more --groups`);
    lastAt[group] = at;
    replay.apply(group, role);
    events.push({ group, role, at });
  }
  return summarize(events);
}

/**
 * The burst: `count` events at once in random groups, ~20 % staff. Within a group its customer
 * messages come first, then its staff replies (they may share a Telegram second, and only then
 * do arrival order and the hub's customer-first tie order agree); a group without a waiting
 * inquiry gets at least one customer message before any staff reply.
 */
export function buildBurst(count: number, groups: number, random: () => number, replay: ConversationReplay): PhaseWorkload {
  const drawn = Array.from({ length: count }, (): { group: number; role: Role } => ({ group: Math.floor(random() * groups), role: random() < STAFF_SHARE ? 'staff' : 'customer' }));
  const slots = new Map<number, number[]>();
  for (const [i, e] of drawn.entries()) slots.set(e.group, [...(slots.get(e.group) ?? []), i]);
  for (const [group, indices] of slots) {
    let customers = indices.filter((i) => drawn[i]?.role === 'customer').length;
    if (customers === 0 && !replay.isOpen(group)) customers = 1;
    indices.forEach((slot, k) => {
      const event = drawn[slot];
      if (event) event.role = k < customers ? 'customer' : 'staff';
    });
  }
  const events = drawn.map((e) => ({ ...e, at: 0 }));
  for (const e of events) replay.apply(e.group, e.role);
  return summarize(events);
}

export function messageText(event: LoadEvent, index: number): string {
  return event.role === 'staff' ? `We are looking into it (update ${index})` : `Hello, my order has not arrived yet (update ${index})`;
}

function pick(candidate: () => number | undefined, eligible: (group: number | undefined) => boolean): number | undefined {
  for (let t = 0; t < PICK_TRIES; t++) {
    const group = candidate();
    if (eligible(group)) return group;
  }
  return undefined;
}

function summarize(events: LoadEvent[]): PhaseWorkload {
  const staff = events.filter((e) => e.role === 'staff').length;
  return { events, customer: events.length - staff, staff };
}
