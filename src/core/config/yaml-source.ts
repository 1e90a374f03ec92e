import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { type z } from 'zod';
import { collectSecrets, scrubSecrets } from '../../plugins/sdk/secret';
import { ConfigError, formatPath, type ConfigProblem } from './config-error';
import { interpolateEnv, type MissingVariable } from './interpolate';
import { protectPlaceholders, restoreDeep } from './placeholders';
import { knownKeysAt } from './schema-keys';
import { knownNames } from './suggest';

/** What a source knows besides its value; shared by the copies `withValue` makes. */
interface SourceState {
  doc?: Document;
  lines: LineCounter;
  missing: MissingVariable[];
  /** Puts `${…}` back into keys read from `doc` (they were hidden from the parser). */
  restore: (text: string) => string;
  /** Dotted key path → the environment variable that replaced the file's value there. */
  overrides: ReadonlyMap<string, string>;
}

/**
 * A parsed YAML file that remembers where every key came from, so that a schema error can
 * point at `file:line:column` and a dotted key path, or at the environment variable that set it.
 */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly state: SourceState,
  ) {}

  /**
   * Parses text; `${VAR}` and `${VAR:-default}` in string values are replaced from `env` after
   * parsing, so a placeholder may stand unquoted anywhere (flow mappings too) and a variable's
   * value is never read as YAML.
   */
  static parse(file: string, text: string, env: NodeJS.ProcessEnv): YamlSource {
    const lines = new LineCounter();
    const hidden = protectPlaceholders(text);
    const doc = parseDocument(hidden.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { file, line: pos.line, column: pos.col, path: '', message: hidden.restore(firstLine(e.message)) };
        }),
      );
    }
    const missing: MissingVariable[] = [];
    const value = interpolateEnv(restoreDeep(doc.toJS({ maxAliasCount: 100 }) ?? {}, hidden.restore), env, missing);
    return new YamlSource(file, value, { doc, lines, missing, restore: hidden.restore, overrides: new Map() });
  }

  static read(file: string, env: NodeJS.ProcessEnv): YamlSource {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError([{ file, path: '', message: `cannot read the file (${code})` }]);
    }
    return YamlSource.parse(file, text, env);
  }

  /** A source with no file behind it (built-in defaults). */
  static fromValue(label: string, value: unknown): YamlSource {
    return new YamlSource(label, value, { lines: new LineCounter(), missing: [], restore: (text) => text, overrides: new Map() });
  }

  /**
   * The same file positions over a changed value: `overrides` (dotted key path → variable) are
   * the settings an environment variable replaced, reported under that variable's name; an
   * unset `${VAR}` the file had there no longer matters.
   */
  withValue(value: unknown, overrides: ReadonlyMap<string, string> = new Map()): YamlSource {
    const all = new Map([...this.state.overrides, ...overrides]);
    const missing = this.state.missing.filter((m) => overriddenBy(all, m.path) === undefined);
    return new YamlSource(this.file, value, { ...this.state, missing, overrides: all });
  }

  /** The value at `path`, or undefined. */
  at(path: ReadonlyArray<PropertyKey>): unknown {
    return valueAt(this.value, path);
  }

  /**
   * Validates the value at `prefix` with `schema`. Errors are located in this file; a value
   * that came from an unset `${VAR}` is reported as that variable being unset.
   */
  validate<S extends z.ZodType>(schema: S, prefix: ReadonlyArray<PropertyKey> = []): z.output<S> {
    return this.validateValue(schema, this.at(prefix), prefix);
  }

  /**
   * A `${VAR}` without a default whose variable is unset is an error even where the setting
   * is optional (a typo must not silently switch a feature off), except under `ignored` paths
   * such as the sections of disabled connectors.
   */
  assertVariablesSet(ignored: ReadonlyArray<ReadonlyArray<PropertyKey>> = []): void {
    const relevant = this.state.missing.filter((m) => !ignored.some((prefix) => prefix.every((key, i) => String(m.path[i]) === String(key))));
    if (relevant.length > 0) throw new ConfigError(relevant.map((m) => this.problem(m.path, '')));
  }

  /**
   * Validates `value` (derived from the section at `prefix`) with errors located under `prefix`.
   * Takes any schema with zod's `safeParse` (a plugin may bring its own copy of zod). A message
   * never carries a configured value: the value it is about and every secret of the section
   * are scrubbed from it, whatever the schema's author wrote.
   */
  validateValue<S extends z.ZodType>(schema: S, value: unknown, prefix: ReadonlyArray<PropertyKey>): z.output<S>;
  validateValue<T>(schema: ParsesLikeZod<T>, value: unknown, prefix: ReadonlyArray<PropertyKey>): T;
  validateValue<T>(schema: ParsesLikeZod<T>, value: unknown, prefix: ReadonlyArray<PropertyKey>): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const secrets = collectSecrets(schema, value);
    throw new ConfigError(
      result.error.issues.flatMap((issue) => {
        // Name each unknown key at its own line, so a typo is easy to find.
        if (issue.code === 'unrecognized_keys') {
          const known = knownKeysAt(schema, issue.path);
          const hint = (key: string) => (known.length > 0 ? `unknown key; ${knownNames(key, known, 'keys')}` : 'unknown key (misspelled, or not a setting here)');
          return (issue.keys ?? []).map((key) => this.problem([...prefix, ...issue.path, key], hint(key)));
        }
        const offending = valueAt(value, issue.path);
        const message = scrubSecrets(typeof offending === 'string' ? scrubQuoted(issue.message, offending) : issue.message, secrets);
        return [this.problem([...prefix, ...issue.path], message)];
      }),
    );
  }

  problem(path: ReadonlyArray<PropertyKey>, message: string): ConfigProblem {
    const variable = overriddenBy(this.state.overrides, path);
    if (variable !== undefined) return { file: 'environment', variable, path: formatPath(path), message };
    const unset = this.state.missing.find((m) => samePath(m.path, path));
    const text = unset ? `environment variable ${unset.variable} is not set` : message;
    return { file: this.file, ...this.locate(path), path: formatPath(path), message: text };
  }

  /** Line and column of the deepest existing node on `path`. */
  locate(path: ReadonlyArray<PropertyKey>): { line?: number; column?: number } {
    if (!this.state.doc) return {};
    let node: Node | null = this.state.doc.contents;
    let found: Node | null = node;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && this.state.restore(String(item.key.value)) === String(key));
        if (!pair) break;
        // A scalar is pointed at where its value is; a block at its key.
        found = isScalar(pair.value) ? pair.value : (pair.key as Node);
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof key === 'number') {
        node = (node.items[key] as Node | undefined) ?? null;
        if (!node) break;
        found = node;
      } else {
        break;
      }
    }
    const offset = found?.range?.[0];
    if (offset === undefined) return {};
    const pos = this.state.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}

/** The part of a zod schema validation needs. */
export interface ParsesLikeZod<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ code: string; path: ReadonlyArray<PropertyKey>; message: string; keys?: readonly string[] }> } };
}

/** The variable that set `path` or a setting above it. */
function overriddenBy(overrides: ReadonlyMap<string, string>, path: ReadonlyArray<PropertyKey>): string | undefined {
  for (let length = path.length; length > 0; length--) {
    const variable = overrides.get(formatPath(path.slice(0, length)));
    if (variable !== undefined) return variable;
  }
  return undefined;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * `message` without `value` where it is quoted, as a schema echoes a value (`"ops" is used by
 * another endpoint`). Only quoted: a name is often also a word of the message itself (a target
 * called `duty` in "unknown duty target"). Secrets are scrubbed wherever they appear.
 */
function scrubQuoted(message: string, value: string): string {
  if (value === '') return message;
  let out = message;
  for (const quote of ['"', "'", '`']) out = out.split(`${quote}${value}${quote}`).join(`${quote}[redacted]${quote}`);
  return out;
}

function samePath(a: ReadonlyArray<PropertyKey>, b: ReadonlyArray<PropertyKey>): boolean {
  return a.length === b.length && a.every((key, i) => String(key) === String(b[i]));
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
