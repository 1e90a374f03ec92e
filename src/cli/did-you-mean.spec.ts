import { editDistance, nearest } from './did-you-mean';

describe('did you mean', () => {
  it('counts insertions, deletions, substitutions and a swap of neighbours as one edit each', () => {
    expect(editDistance('report', 'report')).toBe(0);
    expect(editDistance('reprot', 'report')).toBe(1);
    expect(editDistance('migate', 'migrate')).toBe(1);
    expect(editDistance('stats', 'status')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the nearest known word, or a unique one the typed word begins', () => {
    const commands = ['start', 'check-config', 'migrate', 'outbox', 'send', 'report', 'simulate', 'plugin', 'mail', 'sla'];
    expect(nearest('reprot', commands)).toBe('report');
    expect(nearest('strat', commands)).toBe('start');
    expect(nearest('chek-config', commands)).toBe('check-config');
    expect(nearest('sim', commands)).toBe('simulate');
    expect(nearest('REPORT', commands)).toBe('report');
    expect(nearest('conv', ['conversation', 'channel'])).toBe('conversation');
  });

  it('suggests nothing when no known word is close, rather than a wild guess', () => {
    expect(nearest('frobnicate', ['status', 'list', 'show', 'replay'])).toBeUndefined();
    expect(nearest('xyz', ['sla', 'send'])).toBeUndefined();
    // "s" begins several words: no single one is meant.
    expect(nearest('se', ['send', 'sla', 'simulate'])).toBeUndefined();
  });
});
