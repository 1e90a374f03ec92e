import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config/config-error';
import { loadRules } from '../config/load-config';
import { matchPolicy } from './policy-matcher';
import { markOffset } from './policy.schema';
import { SlaCatalog } from './sla-catalog';

const HEAD = `version: 1
calendars:
  support: { timezone: Europe/Moscow, week: { mon-fri: ["03:00-23:00"], sat-sun: ["10:00-19:00"] } }
duty:
  targets:
    - { name: duty, connector: log }
`;

function load(policies: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'replywatch-policy-')), 'rules.yaml');
  writeFileSync(file, `${HEAD}policies:\n${policies}`);
  return loadRules(file, {});
}

function problems(policies: string): string {
  try {
    load(policies);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SEED_MARKS = `    marks:
      - { before: 15m, level: warning, emoji: "⚡", message: "15 minutes left", actions: [{ notify: [duty] }] }
      - { before: 5m, level: critical, emoji: "❗", message: "5 minutes left", actions: [{ notify: [duty] }] }
      - { at: 100%, level: breach, emoji: "⚠️", message: "SLA MISS", actions: [{ notify: [duty] }] }
`;

describe('policies in rules.yaml', () => {
  it('reproduces the seed: 60 min target with marks at 45, 55 and 60 minutes', () => {
    const { rules } = load(`  - name: default\n    target: 60m\n    calendar: support\n${SEED_MARKS}`);
    const policy = rules.policies[0]!;
    expect(policy.marks.map((m) => markOffset(policy, m) / 60_000)).toEqual([45, 55, 60]);
    expect(policy.cooldowns.escalation).toBe(3_600_000);
  });

  it('matches in order, first match wins, the default last', () => {
    const { rules } = load(`  - name: vip
    match: { channel: telegram, conversations: [-100500] }
    target: 15m
    calendar: support
    marks: [{ at: 100%, level: breach, message: miss }]
  - name: outage
    match: { keywords: [down, outage] }
    target: 10m
    calendar: support
    marks: [{ at: 50%, level: warning, message: hurry }, { at: 100%, level: breach, message: miss }]
  - name: default
    target: 60m
    calendar: support
${SEED_MARKS}`);
    const pick = (channel: string, conversationId: string, firstMessage: string) => matchPolicy(rules.policies, { channel, conversationId, firstMessage })?.name;
    expect(pick('telegram', '-100500', 'hello')).toBe('vip');
    expect(pick('telegram', '-100501', 'Site is DOWN!')).toBe('outage');
    expect(pick('email', 'thread-1', 'invoice question')).toBe('default');
    expect(markOffset(rules.policies[1]!, rules.policies[1]!.marks[0]!)).toBe(5 * 60_000);
  });

  it('matches on the tier and tags the runbook gives a conversation', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'replywatch-policy-')), 'rules.yaml');
    writeFileSync(
      file,
      `${HEAD}customers:
  - { channel: telegram, conversations: [-100500], tier: vip }
  - { conversations: [acme-thread], tags: [pilot] }
policies:
  - { name: vip, match: { tier: vip }, target: 15m, calendar: support, marks: [{ at: 100%, level: breach, message: m }] }
  - { name: pilot, match: { tags: [pilot, beta] }, target: 30m, calendar: support, marks: [{ at: 100%, level: breach, message: m }] }
  - { name: default, target: 60m, calendar: support, marks: [{ at: 100%, level: breach, message: m }] }
`,
    );
    const { rules } = loadRules(file, {});
    const catalog = new SlaCatalog(rules);
    const pick = (channel: string, conversationId: string) => catalog.policyFor({ channel, conversationId, firstMessage: 'hi' }, null)?.name;
    expect(pick('telegram', '-100500')).toBe('vip');
    expect(pick('email', '-100500')).toBe('default'); // the tier was given for Telegram only
    expect(pick('email', 'acme-thread')).toBe('pilot');
    expect(pick('telegram', 'other')).toBe('default');
  });

  it.each([
    ['an unknown calendar', '  - name: d\n    target: 60m\n    calendar: office\n    marks: [{ at: 100%, level: breach, message: m }]\n', /policies\[0\]\.calendar: unknown calendar; known calendars: support$/m],
    ['no marks', '  - name: d\n    target: 60m\n    calendar: support\n    marks: []\n', /policies\[0\]\.marks: expected at least one mark/],
    ['a mark past the target', '  - name: d\n    target: 60m\n    calendar: support\n    marks: [{ at: 90m, level: breach, message: m }]\n', /policies\[0\]\.marks\[0\]\.at: is past the target/],
    ['marks out of order', '  - name: d\n    target: 60m\n    calendar: support\n    marks: [{ at: 50m, level: warning, message: m }, { at: 40m, level: breach, message: m }]\n', /marks\[1\]\.at: expected marks in increasing order/],
    ['a mark with both at and before', '  - name: d\n    target: 60m\n    calendar: support\n    marks: [{ at: 50m, before: 5m, level: warning, message: m }]\n', /marks\[0\]: expected exactly one of at or before/],
    ['an unknown duty target', '  - name: d\n    target: 60m\n    calendar: support\n    marks: [{ at: 100%, level: breach, message: m, actions: [{ notify: [ops] }] }]\n', /actions\[0\]\.notify\[0\]: unknown duty target; known duty targets: duty$/m],
    ['no default last', '  - name: d\n    match: { channel: telegram }\n    target: 60m\n    calendar: support\n    marks: [{ at: 100%, level: breach, message: m }]\n', /policies\[0\]\.match: the last policy must match everything/],
    ['a default before others', '  - name: a\n    target: 60m\n    calendar: support\n    marks: [{ at: 100%, level: breach, message: m }]\n  - name: b\n    target: 60m\n    calendar: support\n    marks: [{ at: 100%, level: breach, message: m }]\n', /policies\[0\]\.match: matches everything/],
    ['a malformed mark offset', '  - name: d\n    target: 60m\n    calendar: support\n    marks: [{ at: soon, level: breach, message: m }]\n', /marks\[0\]\.at: expected an offset such as 45m/],
  ])('locates %s', (_name, policies, expected) => {
    expect(problems(policies)).toMatch(expected);
  });
});
