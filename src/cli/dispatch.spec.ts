import { decide } from './dispatch';
import { UsageError } from './usage-error';
import { groupHelp } from './usage-text';

describe('decide', () => {
  it('runs the hub when no command is given, and passes a command its own words', () => {
    expect(decide([])).toEqual({ kind: 'run', command: 'start', args: [] });
    expect(decide(['outbox', 'list', '--status', 'dead'])).toEqual({ kind: 'run', command: 'outbox list', args: ['--status', 'dead'] });
    expect(decide(['send', '--text=--help', '--conversation', 'c'])).toEqual({ kind: 'run', command: 'send', args: ['--text=--help', '--conversation', 'c'] });
  });

  it('answers help for a group in every spelling', () => {
    for (const argv of [['sla', '--help'], ['sla', '-h'], ['help', 'sla']]) expect(decide(argv)).toEqual({ kind: 'print', text: groupHelp('sla') });
  });

  it('says which commands a group has when none is named, with the group help to read', () => {
    const error = (() => {
      try {
        decide(['plugin']);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message: '"plugin" needs a command: plugin new', command: 'plugin' });
  });

  it('checks a command\'s options before it runs', () => {
    expect(() => decide(['migrate', '--port', '3000'])).toThrow('unknown option "--port": "migrate" takes no options');
    expect(() => decide(['start', '--port', '3000'])).toThrow('unknown option "--port" for "start" (options: --demo)');
    expect(decide(['start', '--demo'])).toEqual({ kind: 'run', command: 'start', args: ['--demo'] });
    expect(() => decide(['simulate', 'a.yaml', 'b.yaml'])).toThrow('unexpected argument "b.yaml"; expected "simulate SCENARIO.yaml [--rules FILE]"');
  });
});
