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
 * hub.yaml's `rulesFile`, beside hub.yaml. A file written when it was read from the working
 * directory (the old example said `./config/rules.yaml` from config/hub.yaml) is still found
 * there when nothing exists beside hub.yaml, so no deployment breaks on the upgrade.
 */
export function rulesFileBesideHub(hubFile: string, rulesFile: string): string {
  const beside = besideFile(hubFile, rulesFile);
  return existsSync(beside) || !existsSync(rulesFile) ? beside : rulesFile;
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
