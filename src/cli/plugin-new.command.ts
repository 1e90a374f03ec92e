import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PLUGIN_NAME, pluginNames, renderPlugin, type GeneratedFile, type PluginDirection, type PluginNames } from './plugin-templates';
import { PLUGIN_NEW } from './commands';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

// Says what the synopsis cannot: exactly one of the two directions.
const USAGE = 'plugin new NAME --outbound|--inbound [--dir DIR] [--sdk SPEC]';

interface PluginNewOptions {
  names: PluginNames;
  direction: PluginDirection;
  dir: string;
  sdkSpec: string;
}

/**
 * Writes a new connector plugin package: TypeScript, built against replywatch/sdk and tested
 * with the contract kit, ready for `npm install && npm test`. Never writes into a folder that
 * has anything in it.
 */
export async function runPluginNew(args: string[]): Promise<number> {
  const options = readOptions(args);
  await claimEmptyDir(options.dir);
  const files = renderPlugin({ names: options.names, direction: options.direction, sdkSpec: options.sdkSpec });
  for (const file of files) {
    const target = path.join(options.dir, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    // 'wx' fails rather than replace a file that appeared in the meantime.
    await writeFile(target, file.content, { flag: 'wx' });
  }
  process.stdout.write(nextSteps(options, files));
  return 0;
}

function readOptions(args: string[]): PluginNewOptions {
  const { values, positionals } = parseCommand(PLUGIN_NEW, args);
  if (positionals.length !== 1) throw new UsageError(`expected "${USAGE}"`);
  const name = positionals[0] as string;
  if (!PLUGIN_NAME.test(name)) {
    throw new UsageError(`NAME "${name}" must be kebab-case (lower-case letters, digits and single hyphens, starting with a letter), e.g. team-chat: it becomes the connector id and the package name replywatch-plugin-NAME`);
  }
  if (name.startsWith('replywatch-plugin-')) throw new UsageError(`NAME is the connector id alone; the package is named replywatch-plugin-NAME (try "${name.slice('replywatch-plugin-'.length)}")`);
  if (isFirstParty(name)) throw new UsageError(`"${name}" is the id of a connector built into the hub; choose another NAME`);
  if (values.outbound === values.inbound) throw new UsageError('choose exactly one of --outbound (the connector delivers notifications) and --inbound (it reads messages)');
  const names = pluginNames(name);
  return {
    names,
    direction: values.outbound ? 'outbound' : 'inbound',
    dir: path.resolve(process.cwd(), values.dir ?? names.packageName),
    sdkSpec: values.sdk === undefined ? `file:${hubPackageRoot()}` : absoluteFileSpec(values.sdk),
  };
}

async function claimEmptyDir(dir: string): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (found && !found.isDirectory()) throw new UsageError(`${dir} exists and is not a folder; choose another --dir`);
  if (found && (await readdir(dir)).length > 0) throw new UsageError(`${dir} is not empty; choose another --dir (nothing was written)`);
  await mkdir(dir, { recursive: true });
}

/** The first-party connectors live beside the CLI, one folder each (src/ or dist/connectors). */
function isFirstParty(id: string): boolean {
  return existsSync(path.join(__dirname, '..', 'connectors', id));
}

/**
 * The folder of the replywatch package running this command, so that a plugin generated on
 * this machine installs the very SDK and kit it was generated from.
 */
function hubPackageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'replywatch') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the replywatch package above ${__dirname}; pass --sdk SPEC`);
  }
}

/** A relative `file:` spec is meant from where the command runs, not from the new folder. */
function absoluteFileSpec(spec: string): string {
  if (!spec.startsWith('file:')) return spec;
  const target = spec.slice('file:'.length);
  return path.isAbsolute(target) ? spec : `file:${path.resolve(process.cwd(), target)}`;
}

function nextSteps({ names, direction, dir }: PluginNewOptions, files: readonly GeneratedFile[]): string {
  const relative = path.relative(process.cwd(), dir) || '.';
  const settings =
    direction === 'outbound'
      ? [`      url: \${${names.env}_WEBHOOK_URL}`, `      token: \${${names.env}_TOKEN}`]
      : ['      url: https://feed.example.com/messages', `      token: \${${names.env}_TOKEN}`, '      pollInterval: 15s'];
  const lines = [
    `Created ${names.packageName} (${direction} connector "${names.id}") in ${dir}:`,
    ...files.map((file) => `  ${file.path}`),
    '',
    'Next:',
    `  cd ${relative}`,
    '  npm install',
    '  npm test        # builds, then runs the contract test kit against the connector',
    '',
    'Then load it into the hub, in hub.yaml:',
    '  plugins:',
    `    - module: ${path.join(dir, 'dist', 'src', 'index.js')}`,
    '  connectors:',
    `    ${names.id}:`,
    '      enabled: true',
    ...settings,
  ];
  if (direction === 'outbound') lines.push('', `and send it notifications from rules.yaml: duty.targets: [{ name: duty, connector: ${names.id} }]`);
  return `${lines.join('\n')}\n`;
}
