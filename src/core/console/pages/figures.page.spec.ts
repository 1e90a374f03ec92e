import { consolePaths } from '../console-paths';
import { type FiguresModel, figuresPage, figuresQueryString } from './figures.page';

const XSS = '<img src=x onerror=alert(1)>';

const shell = {
  paths: consolePaths('/replywatch'),
  assets: { css: 'console.1.css', js: 'console.1.js' },
  pageAssets: { css: ['uplot.1.css'], js: ['uplot.1.js', 'figures.1.js'] },
  serverNow: 0,
  session: { role: 'viewer' as const, name: 'maria', expiresAt: 1, nonce: 'n', tokenTag: 't' },
  csrf: 'c',
};

function model(overrides: Partial<FiguresModel> = {}): FiguresModel {
  const none = { average: null, median: null, p90: null };
  return {
    query: { period: 'last-month', channel: 'tele&gram' },
    choices: { periods: ['this-month', 'last-month'], channels: ['tele&gram'], policies: ['default'] },
    figures: {
      report: {
        period: 'November 2026',
        timezone: 'Europe/Moscow',
        from: '2026-11-01T00:00:00.000+03:00',
        to: '2026-12-01T00:00:00.000+03:00',
        inquiries: 1,
        answered: 0,
        stillOpen: 1,
        resolvedWithoutAnswer: 0,
        firstResponseBusinessMinutes: none,
        firstResponseCalendarMinutes: none,
        withinSlaPercent: null,
        breaches: 1,
        escalated: 0,
        escalatedPercent: 0,
        hotConversations: [{ channel: 'telegram', conversation: '-100', title: XSS, inquiries: 1, breaches: 1, slowestBusinessMinutes: null }],
        responders: [],
      },
      days: [{ day: '2026-11-01', start: Date.parse('2026-11-01T00:00:00+03:00'), count: 1 }],
      bins: [{ from: 0, to: 5, count: 0 }, { from: 480, to: null, count: 0 }],
    },
    ...overrides,
  };
}

describe('figures page', () => {
  it('shows customer titles as text and loads the charts only from its own files', () => {
    const page = figuresPage(shell, model()).value;
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img');
    expect(page).toContain('<script src="/replywatch/assets/uplot.1.js" defer></script>');
    expect(page).toContain('<script src="/replywatch/assets/figures.1.js" defer></script>');
    expect(page).not.toMatch(/<script(?! src=)/);
    expect(page).toContain('href="/replywatch/figures/csv?period=last-month&amp;channel=tele%26gram"');
    expect(page).toContain('<tr data-x="1793480400" data-y="1">');
    expect(page).toContain('<th scope="row" data-label="Business minutes">480 or more</th>');
    // No first response yet: dashes, not zeros.
    expect(page).toMatch(/<tr data-frt="business">.*?<td data-label="Average">—<\/td>/);
  });

  it('says why a period cannot be shown and shows no figures', () => {
    const page = figuresPage(shell, { query: { from: '2026-11-30', to: '2026-11-01' }, choices: model().choices, error: 'the period ends before it starts' }).value;
    expect(page).toContain('<p class="error" role="alert">That period cannot be shown: the period ends before it starts.</p>');
    expect(page).not.toContain('data-chart=');
    expect(page).toContain('<option value="">The dates below</option>');
  });

  it('keeps a period word the list does not offer', () => {
    expect(figuresPage(shell, model({ query: { period: '2026-Q3' } })).value).toContain('<option value="2026-Q3" selected>2026-Q3</option>');
  });

  it('writes the query string of the asked period and filters only', () => {
    expect(figuresQueryString({ from: '2026-11-01', to: '2026-11-30', policy: 'vip' })).toBe('?from=2026-11-01&to=2026-11-30&policy=vip');
    expect(figuresQueryString({})).toBe('');
  });
});
