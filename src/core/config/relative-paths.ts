import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigProblem } from './config-error';
import { type Rules } from './rules.schema';
import { type YamlSource } from './yaml-source';

/**
 * A relative path in a configuration file starts at that file's folder, wherever the hub was
 * started from (as a plugin's `module:` in hub.yaml always did). Paths stay relative to the
 * working directory only where no file names them: defaults and environment variables.
 */
export function besideFile(file: string, target: string): string {
  return path.isAbsolute(target) ? target : path.join(path.dirname(file), target);
}

/**
 * A path written in hub.yaml, from hub.yaml's folder (absolute when hub.yaml's path is). `legacy`: found where older releases looked;
 * `shadowed`: that old place also holds one, which is no longer used.
 */
export interface HubPath {
  path: string;
  legacy: boolean;
  shadowed?: string;
}

/** What a path names: the embedded database's directory, or a file (a secret, a CA, a token). */
export type HubPathKind = 'dataDir' | 'file';

/**
 * A path written in hub.yaml (`rulesFile`, `database.dataDir`, a connector's file settings),
 * beside hub.yaml. Older releases read all but `rulesFile` from the working directory
 (and the old example wrote `rulesFile` as seen from there). So that no deployment loses
 * its data on the upgrade, when nothing is beside hub.yaml but the old place holds one of ours
 * (a directory with an embedded database in it, a regular file), the old place is kept; any
 * other directory that happens to sit there is never taken. `hubFile` undefined: no hub.yaml,
 * the path starts at the working directory.
 */
export function besideHub(hubFile: string | undefined, target: string, kind: HubPathKind = 'file'): HubPath {
  if (target.startsWith('memory://')) return { path: target, legacy: false };
  if (hubFile === undefined || path.isAbsolute(target)) return { path: path.resolve(target), legacy: false };
  const beside = besideFile(hubFile, target);
  const old = path.resolve(target);
  if (old === path.resolve(beside) || !isOurs(old, kind)) return { path: beside, legacy: false };
  return existsSync(beside) ? { path: beside, legacy: false, shadowed: old } : { path: old, legacy: true };
}

function isOurs(candidate: string, kind: HubPathKind): boolean {
  try {
    return kind === 'dataDir' ? existsSync(path.join(candidate, 'PG_VERSION')) : statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** What to tell the operator about a path kept at its old place, or one left there unused; undefined when neither. */
export function hubPathNotice(hubFile: string, key: string, kept: HubPath, written: string): string | undefined {
  if (kept.legacy) {
    return `${hubFile}: ${key} "${written}" is read from the working directory (${kept.path}), where older releases looked; relative paths in hub.yaml now start at its folder: move it there or write the path as absolute`;
  }
  if (kept.shadowed) {
    return `${hubFile}: ${key} "${written}" is ${kept.path} (beside hub.yaml); ${kept.shadowed}, where older releases looked, is not used: remove one of them, or write the path as absolute`;
  }
  return undefined;
}

/**
 * Makes rules.yaml's paths (holiday files, export directories) start at its folder, and fails
 * at load on a holiday file that is not there: a typo must not silently drop holidays. A URL
 * feed is not fetched here; one that is down is a warning of the holiday feeds, as before.
 */
export function resolveRulesPaths(rules: Rules, source: YamlSource): void {
  const problems: ConfigProblem[] = [];
  for (const [name, calendar] of Object.entries(rules.calendars)) {
    const ics = calendar.holidays.ics;
    if (ics?.file === undefined) continue;
    ics.file = besideFile(source.file, ics.file);
    const missing = unreadableFile(ics.file);
    if (missing) problems.push(source.problem(['calendars', name, 'holidays', 'ics', 'file'], `${missing}; a relative path starts at the folder of ${source.file}`));
  }
  for (const job of rules.reports.exports) {
    if (job.directory !== undefined) job.directory = besideFile(source.file, job.directory);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

function unreadableFile(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? undefined : 'not a file';
  } catch (error) {
    return `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`;
  }
}
