import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type CommandSpec } from '../../../src/cli/command-spec';
import { COMMANDS, OUTBOX_LIST } from '../../../src/cli/commands';
import { commandHelp, mainHelp, readmeTable } from '../../../src/cli/usage-text';
import { DELIVERY_STATUSES } from '../../../src/core/persistence/statuses';

const README = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');

/** The table under "## Command line": from its header row to the first blank line. */
function readmeCommandTable(): string {
  const section = README.slice(README.indexOf('## Command line'));
  const start = section.indexOf('| command | what |');
  expect(start).toBeGreaterThan(-1);
  const end = section.indexOf('\n\n', start);
  return section.slice(start, end === -1 ? undefined : end);
}

/** One command's lines in the main help: its synopsis and summary, up to the next command. */
function entryOf(help: string, name: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line === `  ${name}` || line.startsWith(`  ${name} `));
  expect(start).toBeGreaterThan(-1);
  const next = lines.findIndex((line, i) => i > start && /^ {2}\S/.test(line));
  return lines.slice(start, next === -1 ? undefined : next).join('\n');
}

describe('the usage table is the one source of the CLI help and the README table', () => {
  it('README.md lists every command of the usage table', () => {
    const table = readmeCommandTable();
    const listed = [...table.matchAll(/^\| `replywatch ([a-z][a-z-]*(?: [a-z][a-z-]*)?)/gm)].map((m) => m[1]);
    expect(listed).toEqual(COMMANDS.map((c) => c.name));
  });

  it('README.md shows each command as the help does (paste the expected table on a difference)', () => {
    expect(readmeCommandTable()).toBe(readmeTable());
  });

  it('the main help names every command and every option each one accepts', () => {
    const help = mainHelp();
    for (const spec of COMMANDS) {
      expect(help).toContain(`  ${spec.name}`);
      const entry = entryOf(help, spec.name);
      for (const option of Object.keys(spec.options)) expect(entry).toContain(`--${option}`);
    }
    // The ones the issue found missing.
    for (const option of ['--format text|json|csv', '--bom', '--output FILE', '--tag TAG']) expect(help).toContain(option);
  });

  it("each command's help describes each of its options and arguments", () => {
    const specs: readonly CommandSpec[] = COMMANDS;
    for (const spec of specs) {
      const help = commandHelp(spec);
      for (const [name, option] of Object.entries(spec.options)) {
        expect(help).toContain(`--${name}`);
        expect(help).toContain(option.description.split(' ').slice(0, 3).join(' '));
      }
      for (const argument of spec.arguments ?? []) expect(help).toContain(`  ${argument.name}`);
      expect(help).toContain('-h, --help');
    }
  });

  it('outbox list names every delivery state the database knows', () => {
    for (const status of DELIVERY_STATUSES) expect(OUTBOX_LIST.options.status.description).toContain(status);
  });
});
