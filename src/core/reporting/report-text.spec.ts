import { parsePeriod } from './period';
import { renderReport } from './report-text';
import { type SlaReport } from './sla-report';

const none = { average: null, median: null, p90: null };

function report(hot: SlaReport['hotConversations']): SlaReport {
  return {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    inquiries: 3,
    answered: 1,
    stillOpen: 2,
    resolvedWithoutAnswer: 0,
    firstResponseBusinessMinutes: none,
    firstResponseCalendarMinutes: none,
    withinSlaPercent: null,
    breaches: 2,
    escalated: 0,
    escalatedPercent: null,
    hotConversations: hot,
    responders: [],
  };
}

describe('renderReport', () => {
  const period = parsePeriod(['2026-11-01', '2026-12-01'], 'UTC', Date.parse('2026-12-02T00:00:00Z'));

  it('names the open tickets of a hot conversation, and nothing for one without', () => {
    const text = renderReport(
      period,
      report([
        { channel: 'telegram', conversation: '-1001', title: 'Acme', inquiries: 2, breaches: 2, slowestBusinessMinutes: 75, tickets: ['SUP-7', '#42'] },
        { channel: 'http', conversation: 'b', title: null, inquiries: 1, breaches: 1, slowestBusinessMinutes: null },
      ]),
    );
    expect(text).toContain('  Acme (telegram): 2 breaches of 2, slowest 75 min, open ticket SUP-7, #42\n  b (http): 1 breaches of 1, slowest —');
  });
});
