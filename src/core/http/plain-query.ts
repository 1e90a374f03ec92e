import { problem } from './problem';

/**
 * Query parameters as single strings. A parameter given twice arrives as an array, which the
 * handlers would otherwise take for a string; it is refused, naming the parameter.
 */
export function plainQuery(query: Record<string, unknown>): Record<string, string | undefined> {
  const plain: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw problem(400, 'Bad Request', `${name}: give this parameter once, as a plain value`, { parameter: name });
    plain[name] = value;
  }
  return plain;
}
