import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isWhsec, type HttpConfig } from './http.config';

export interface ResolvedSecret {
  secret: string;
  origin: 'config' | 'file' | 'generated';
  /** Where it is kept, when it comes from a file. */
  file?: string;
}

/** The settings with `secretFile` as the hub resolves paths written in hub.yaml. */
export function withSecretFileResolved(config: HttpConfig, resolve: (written: string) => string): HttpConfig {
  return config.secretFile === undefined ? config : { ...config, secretFile: resolve(config.secretFile) };
}

/** The secret file: as configured, else `http-ingest.secret` in the hub's data directory. */
export function secretFileOf(config: HttpConfig, dataDir: string): string {
  return path.resolve(config.secretFile ?? path.join(dataDir, 'http-ingest.secret'));
}

/**
 * The configured secret if there is one; otherwise the one kept in `secretFile`, created
 * (readable by the owner only) on first use so a fresh install works without setup.
 */
export function resolveIngestSecret(config: HttpConfig, dataDir: string, options: { create: boolean }): ResolvedSecret | undefined {
  if (config.secret) return { secret: config.secret, origin: 'config' };
  const file = secretFileOf(config, dataDir);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (!isWhsec(stored)) throw new Error(`${file} does not hold a whsec_ secret; delete it to have a new one generated`);
    return { secret: stored, origin: 'file', file };
  }
  if (!options.create) return undefined;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, origin: 'generated', file };
}
