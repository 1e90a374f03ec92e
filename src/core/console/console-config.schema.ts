import { z } from 'zod';
import { secret } from '../../plugins/sdk/secret';
import { durationAtLeast } from '../config/duration';

/** `/` or `/a/b`: no trailing slash, no query, characters safe in a cookie Path and a URL. */
const PATH = /^\/(?:[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*)?$/;

const person = z
  .object({
    /** Shown in the console and recorded as the actor `console:<name>`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'expected a name of letters, digits, . _ @ and -, at most 64'),
    token: secret(z.string().min(16, 'expected at least 16 characters')),
  })
  .strict();

/** The web console (`console:` in hub.yaml). It stays off while `admin.token` is unset. */
export const consoleSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Where the console is served; a reverse proxy forwards this prefix unchanged. */
    path: z.string().regex(PATH, 'expected a path such as / or /replywatch (no trailing slash)').default('/'),
    /** How long a sign-in lasts. */
    sessionTtl: durationAtLeast(60_000, '1m').default(12 * 3_600_000),
    /**
     * How often a replica with open live streams reads the database for changes other
     * replicas made (the changes it makes itself are pushed at once).
     */
    liveRecheck: durationAtLeast(1000, '1s').default(5000),
    /**
     * Believe `X-Forwarded-Proto` / `X-Forwarded-Host` from a reverse proxy in front. Off: a
     * client could claim https (or another host) by itself.
     */
    trustProxy: z.boolean().default(false),
    /** Read-only sign-ins (managers): they see the queue but cannot run commands. */
    viewers: z.array(person).default([]),
    /** Sign-ins that may hold, resume, resolve and escalate, as the admin token does. */
    operators: z.array(person).default([]),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    const tokens = new Map<string, string>();
    for (const { list, index, person: p, label } of consoleAccounts(value)) {
      if (seen.has(p.name) || p.name === 'admin') ctx.addIssue({ code: 'custom', path: [list, index, 'name'], message: `the name ${p.name} is taken (names are unique; admin is the admin token's)` });
      seen.add(p.name);
      // A shared token would sign in as whichever account comes first, silently: refused.
      // The message names the accounts, never the token.
      const first = tokens.get(p.token);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [list, index, 'token'], message: sameToken(label, first) });
      else tokens.set(p.token, label);
    }
  });

export type ConsoleSettings = z.output<typeof consoleSchema>;

type Person = z.output<typeof person>;

/** Each viewer and operator with where it is written, and how a message names it (`viewer maria`). */
export function consoleAccounts(settings: { viewers: Person[]; operators: Person[] }): Array<{ list: 'viewers' | 'operators'; index: number; person: Person; label: string }> {
  return [
    ...settings.viewers.map((person, index) => ({ list: 'viewers' as const, index, person, label: `viewer ${person.name}` })),
    ...settings.operators.map((person, index) => ({ list: 'operators' as const, index, person, label: `operator ${person.name}` })),
  ];
}

export function sameToken(account: string, other: string): string {
  return `${account} has the same token as ${other}; give each sign-in its own token`;
}
