import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { type z } from 'zod';
import { ConfigError, formatPath, type ConfigProblem } from './config-error';
import { interpolateEnv, type MissingVariable } from './interpolate';

/**
 * A parsed YAML file that remembers where every key came from, so that a schema error can
 * point at `file:line:column` and a dotted key path.
 */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
    readonly value: unknown,
    private readonly missing: MissingVariable[],
  ) {}

  /** Parses text; `${VAR}` and `${VAR:-default}` in string values are replaced from `env`. */
  static parse(file: string, text: string, env: NodeJS.ProcessEnv): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { file, line: pos.line, column: pos.col, path: '', message: firstLine(e.message) };
        }),
      );
    }
    const missing: MissingVariable[] = [];
    const value = interpolateEnv(doc.toJS({ maxAliasCount: 100 }) ?? {}, env, missing);
    return new YamlSource(file, doc, lines, value, missing);
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
    return new YamlSource(label, undefined, new LineCounter(), value, []);
  }

  /** The same file positions over a changed value (used for environment overrides). */
  withValue(value: unknown): YamlSource {
    return new YamlSource(this.file, this.doc, this.lines, value, this.missing);
  }

  /** The value at `path`, or undefined. */
  at(path: ReadonlyArray<PropertyKey>): unknown {
    let current: unknown = this.value;
    for (const key of path) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<PropertyKey, unknown>)[key];
    }
    return current;
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
    const relevant = this.missing.filter((m) => !ignored.some((prefix) => prefix.every((key, i) => String(m.path[i]) === String(key))));
    if (relevant.length > 0) throw new ConfigError(relevant.map((m) => this.problem(m.path, '')));
  }

  /**
   * Validates `value` (derived from the section at `prefix`) with errors located under `prefix`.
   * Takes any schema with zod's `safeParse` (a plugin may bring its own copy of zod).
   */
  validateValue<S extends z.ZodType>(schema: S, value: unknown, prefix: ReadonlyArray<PropertyKey>): z.output<S>;
  validateValue<T>(schema: ParsesLikeZod<T>, value: unknown, prefix: ReadonlyArray<PropertyKey>): T;
  validateValue<T>(schema: ParsesLikeZod<T>, value: unknown, prefix: ReadonlyArray<PropertyKey>): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw new ConfigError(
      result.error.issues.flatMap((issue) =>
        // Name each unknown key at its own line, so a typo is easy to find.
        issue.code === 'unrecognized_keys'
          ? (issue.keys ?? []).map((key) => this.problem([...prefix, ...issue.path, key], 'unknown key (misspelled, or not a setting here)'))
          : [this.problem([...prefix, ...issue.path], issue.message)],
      ),
    );
  }

  problem(path: ReadonlyArray<PropertyKey>, message: string): ConfigProblem {
    const unset = this.missing.find((m) => samePath(m.path, path));
    const text = unset ? `environment variable ${unset.variable} is not set` : message;
    return { file: this.file, ...this.locate(path), path: formatPath(path), message: text };
  }

  /** Line and column of the deepest existing node on `path`. */
  locate(path: ReadonlyArray<PropertyKey>): { line?: number; column?: number } {
    if (!this.doc) return {};
    let node: Node | null = this.doc.contents;
    let found: Node | null = node;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
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
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}

/** The part of a zod schema validation needs. */
export interface ParsesLikeZod<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ code: string; path: ReadonlyArray<PropertyKey>; message: string; keys?: readonly string[] }> } };
}

function samePath(a: ReadonlyArray<PropertyKey>, b: ReadonlyArray<PropertyKey>): boolean {
  return a.length === b.length && a.every((key, i) => String(key) === String(b[i]));
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
