import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/**
 * Third-party browser files (the figures page's charts), under names of the console's own.
 * The build copies them into the assets folder (scripts/copy-console-assets.js, keep the two
 * lists alike); run from the sources, they are read from node_modules.
 */
export const VENDOR_ASSETS: Readonly<Record<string, string>> = { 'uplot.js': 'uplot/dist/uPlot.iife.min.js', 'uplot.css': 'uplot/dist/uPlot.min.css' };

/**
 * The console's browser files, read once at start. Each is served under a name holding its
 * content hash (`console.3f9a1c2b.js`), so it can be cached for a year: a new release has new
 * names. The build copies src/core/console/assets into dist (scripts/copy-console-assets.js).
 */
export class ConsoleAssets {
  private readonly byUrlName = new Map<string, Asset>();
  private readonly urlNames = new Map<string, string>();

  constructor(dir = path.join(__dirname, 'assets')) {
    const files = new Map(readdirSync(dir).map((file) => [file, path.join(dir, file)]));
    for (const [file, module] of Object.entries(VENDOR_ASSETS)) if (!files.has(file)) files.set(file, require.resolve(module));
    for (const [file, source] of files) {
      const ext = path.extname(file);
      const type = TYPES[ext];
      if (!type) continue;
      const body = readFileSync(source);
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
      const urlName = `${path.basename(file, ext)}.${hash}${ext}`;
      this.byUrlName.set(urlName, { body, type, etag: `"${hash}"` });
      this.urlNames.set(file, urlName);
    }
  }

  /** The hashed name of a source file, for links; throws for a file that is not there (a build error). */
  urlName(file: string): string {
    const name = this.urlNames.get(file);
    if (!name) throw new Error(`console asset ${file} is missing: was the build's copy step run?`);
    return name;
  }

  get(urlName: string): Asset | undefined {
    return this.byUrlName.get(urlName);
  }
}
