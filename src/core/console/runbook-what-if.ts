import { DateTime } from 'luxon';
import { type Rules } from '../config/rules.schema';
import { type BusinessCalendar } from '../sla/business-calendar';
import { formatMinutes, slaPoints } from '../sla/mark-planner';
import { slaDue } from '../sla/sla-due';
import { type SlaCatalog } from '../sla/sla-catalog';
import { STRINGS } from './strings.en';

const E = STRINGS.runbook.errors;
const MAX_MINUTES = 525_600;
/** How far from now the clock may start: a calendar computes every day up to its answer. */
const MAX_START_DISTANCE_MS = 366 * 24 * 3_600_000;

/** The what-if form's fields, as the query string gave them (absent when empty). */
export interface WhatIfQuery {
  policy?: string | undefined;
  calendar?: string | undefined;
  from?: string | undefined;
  minutes?: string | undefined;
}

/** An instant, and the same instant in the calendar's zone as `replywatch sla due` prints it. */
export interface LocalInstant {
  at: number;
  local: string;
}

export interface WhatIfResult {
  policy: string | undefined;
  calendar: string;
  zone: string;
  minutes: number;
  start: LocalInstant;
  due: LocalInstant;
  intervals: Array<{ from: LocalInstant; to: LocalInstant; minutes: number }>;
  /** A policy's marks and escalation steps on this clock. */
  points: Array<{ label: string; offset: string; at: LocalInstant }>;
}

export type WhatIfOutcome = { ok: true; result: WhatIfResult } | { ok: false; error: string };

/**
 * The console's "what if": when a response is due if the clock starts at `from`, under a
 * policy (its calendar, target and marks) or a calendar and a number of business minutes.
 * The due instant comes from the same `slaDue` as `replywatch sla due`.
 */
export function whatIf(query: WhatIfQuery, rules: Rules, sla: SlaCatalog, now: number): WhatIfOutcome {
  if (query.policy && query.calendar) return { ok: false, error: E.both };
  if (!query.policy && !query.calendar) return { ok: false, error: E.neither };
  const policy = query.policy ? rules.policies.find((p) => p.name === query.policy) : undefined;
  if (query.policy && !policy) return { ok: false, error: E.unknownPolicy(query.policy, known(rules.policies.map((p) => p.name))) };
  const name = policy?.calendar ?? query.calendar ?? '';
  const config = Object.hasOwn(rules.calendars, name) ? rules.calendars[name] : undefined;
  if (!config) return { ok: false, error: E.unknownCalendar(name, known(Object.keys(rules.calendars))) };
  const start = parseStart(query.from, config.timezone, now);
  if (start === undefined) return { ok: false, error: E.from };
  if (Math.abs(start - now) > MAX_START_DISTANCE_MS) return { ok: false, error: E.fromRange };
  const minutes = policy ? policy.target / 60_000 : Number(query.minutes ?? Number.NaN);
  if (!Number.isFinite(minutes) || minutes < 0 || minutes > MAX_MINUTES) return { ok: false, error: E.minutes };

  // Not the scheduler's calendar: a question near a year away must not stay in its memory.
  const calendar = sla.freshCalendar(name);
  let due: ReturnType<typeof slaDue>;
  let points: ReturnType<typeof pointsOf>;
  try {
    due = slaDue(calendar, start, Math.round(minutes * 60_000));
    points = policy ? pointsOf(policy, calendar, start) : [];
  } catch {
    // A calendar with little or no working time: the deadline lies beyond the 40 years the calendar looks ahead.
    return { ok: false, error: E.unreachable(name) };
  }
  const local = (at: number): LocalInstant => ({ at, local: DateTime.fromMillis(at, { zone: config.timezone }).toISO({ suppressMilliseconds: true }) as string });
  return {
    ok: true,
    result: {
      policy: policy?.name,
      calendar: name,
      zone: config.timezone,
      minutes,
      start: local(due.start),
      due: local(due.due),
      intervals: due.intervals.map(([a, b]) => ({ from: local(a), to: local(b), minutes: (b - a) / 60_000 })),
      points: points.map((p) => ({ ...p, at: local(p.at) })),
    },
  };
}

function pointsOf(policy: Rules['policies'][number], calendar: BusinessCalendar, start: number): Array<{ label: string; offset: string; at: number }> {
  return slaPoints(policy).map((point) => {
    const mark = point.kind === 'mark' ? policy.marks[point.index] : undefined;
    const label = mark ? `${mark.emoji ? `${mark.emoji} ` : ''}${mark.level}` : STRINGS.runbook.escalationPoint(point.index + 1);
    return { label, offset: formatMinutes(point.offsetMs), at: calendar.addBusiness(start, point.offsetMs) };
  });
}

/** Empty: now. With an offset (or Z): that instant. Without: a wall-clock time in the calendar's zone. */
function parseStart(text: string | undefined, zone: string, now: number): number | undefined {
  if (text === undefined || text.trim() === '') return now;
  const value = text.trim();
  const parsed = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? DateTime.fromISO(value, { setZone: true }) : DateTime.fromISO(value, { zone });
  return parsed.isValid && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? parsed.toMillis() : undefined;
}

function known(names: string[]): string {
  return names.length > 0 ? names.join(', ') : E.noneKnown;
}
