import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isWhsec, type HttpConfig } from './http.config';

export interface ResolvedSecret {
  secret: string;
  origin: 'config' | 'file' | 'generated';
}

/**
 * The configured secret if there is one; otherwise the one kept in `secretFile`, created
 * (readable by the owner only) on first use so a fresh install works without setup.
 */
export function resolveIngestSecret(config: HttpConfig, options: { create: boolean }): ResolvedSecret | undefined {
  if (config.secret) return { secret: config.secret, origin: 'config' };
  const file = path.resolve(config.secretFile);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (!isWhsec(stored)) throw new Error(`${config.secretFile} does not hold a whsec_ secret; delete it to have a new one generated`);
    return { secret: stored, origin: 'file' };
  }
  if (!options.create) return undefined;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, origin: 'generated' };
}
