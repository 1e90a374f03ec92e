import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version in replywatch's package.json, found by walking up from this file: the same code
 * runs from src/cli (tests), dist/cli (a checkout) and node_modules/replywatch/dist/cli.
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'replywatch' && typeof manifest.version === 'string') return manifest.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of replywatch above ${from}`);
  }
}
