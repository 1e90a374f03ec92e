/** One problem in a configuration file, located as precisely as the file allows. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. `connectors.http.secret` or `staff[2].role`. */
  path: string;
  /** The environment variable the value came from, when one replaced the file's setting. */
  variable?: string;
  message: string;
}

/**
 * Raised before anything touches data. The message lists every problem as
 * `file:line:column key.path: what was expected` (or `environment variable NAME (key.path): …`
 * for a value set from the environment) and never includes a configured value.
 */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  if (p.variable !== undefined) return `environment variable ${p.variable}${p.path ? ` (${p.path})` : ''}: ${p.message}`;
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
