import { closest, knownNames } from './suggest';

describe('closest', () => {
  it.each([
    ['prot', 'port'],
    ['sever', 'server'],
    ['Support', 'support'],
    ['duty', 'duty-chat'],
  ])('suggests %s → %s', (name, expected) => {
    expect(closest(name, ['port', 'server', 'support', 'duty-chat'])).toBe(expected);
  });

  it('suggests nothing for a name that is not a near miss', () => {
    expect(closest('database', ['port', 'server'])).toBeUndefined();
  });
});

describe('knownNames', () => {
  it('puts the guess first and lists every known name', () => {
    expect(knownNames('suport', ['support', 'nights'], 'calendars')).toBe('did you mean "support"? (known calendars: support, nights)');
    expect(knownNames('zzz', ['support'], 'calendars')).toBe('known calendars: support');
    expect(knownNames('zzz', [], 'calendars')).toBe('there are no calendars here');
  });
});
