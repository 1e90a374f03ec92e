import { seedPolicy } from '../../support/sla-harness';

/** A runbook for the runbook page's tests: an enterprise policy on Berlin office hours, and the seed policy round the clock. */
export const RUNBOOK_RULES = {
  calendars: {
    always: { alwaysOpen: true },
    berlin: { timezone: 'Europe/Berlin', week: { 'mon-fri': ['09:00-18:00'] }, holidays: { dates: ['2026-12-08'] } },
  },
  customers: [{ conversations: ['acme'], tags: ['enterprise'] }],
  duty: { targets: [{ name: 'duty', connector: 'log', to: { chat: 'duty' } }] },
  policies: [
    {
      name: 'vip',
      match: { tags: ['enterprise', 'key-account'] },
      target: '2h',
      calendar: 'berlin',
      marks: [
        { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}', actions: [{ notify: ['duty'] }] },
        { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: ['duty'] }, { mention: '@lead' }] },
      ],
      escalation: [{ after: '30m', message: 'still unanswered — {title}', actions: [{ notify: ['duty'] }] }],
      cooldowns: { escalation: '20m' },
    },
    seedPolicy('always'),
  ],
};
