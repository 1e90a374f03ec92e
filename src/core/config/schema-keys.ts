/** zod 4's definition of a schema, read by shape so that a plugin's own copy of zod works too. */
interface SchemaDef {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  options?: unknown[];
  valueType?: unknown;
  left?: unknown;
  right?: unknown;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/**
 * The keys an object schema allows at `path` (a path zod reported), for "did you mean" on an
 * unknown key; empty when the schema cannot be read that far.
 */
export function knownKeysAt(schema: unknown, path: ReadonlyArray<PropertyKey>): string[] {
  let current = [schema];
  for (const key of path) current = current.flatMap((s) => childrenOf(s, key));
  const keys = current.flatMap((s) => unwrap(s).flatMap((inner) => Object.keys(defOf(inner)?.shape ?? {})));
  return [...new Set(keys)];
}

function childrenOf(schema: unknown, key: PropertyKey): unknown[] {
  return unwrap(schema).flatMap((inner) => {
    const def = defOf(inner);
    switch (def?.type) {
      case 'object':
        return typeof key === 'string' && def.shape && key in def.shape ? [def.shape[key]] : [];
      case 'array':
        return typeof key === 'number' ? [def.element] : [];
      case 'record':
        return [def.valueType];
      default:
        return [];
    }
  });
}

/** The schemas a value is checked against once wrappers, transforms and unions are looked through. */
function unwrap(schema: unknown): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.type !== undefined && WRAPPERS.has(def.type)) return unwrap(def.innerType);
  switch (def.type) {
    case 'pipe':
      return unwrap(def.in);
    case 'union':
      return (def.options ?? []).flatMap(unwrap);
    case 'intersection':
      return [...unwrap(def.left), ...unwrap(def.right)];
    default:
      return [schema];
  }
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | null)?._zod?.def;
}
