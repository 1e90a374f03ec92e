import { z } from 'zod';

/**
 * The parts of GitHub's REST answers this connector reads. Unknown fields are dropped, so a
 * field GitHub adds later changes nothing; a missing one fails the page loudly instead of
 * producing a message with holes.
 */
const userSchema = z.object({
  id: z.number(),
  login: z.string(),
  /** `User`, `Bot` or `Organization`. */
  type: z.string(),
});

/** An item of `GET /repos/{owner}/{repo}/issues`: an issue, or a pull request (`pull_request` set). */
export const issueSchema = z.object({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  body: z.string().nullish(),
  /** null for a deleted account (GitHub shows it as "ghost"). */
  user: userSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  pull_request: z.object({}).loose().nullish(),
});

/** An item of `GET /repos/{owner}/{repo}/issues/comments`: on an issue or on a pull request. */
export const commentSchema = z.object({
  id: z.number(),
  /** `…/repos/{owner}/{repo}/issues/{number}`, also for a pull request's comments. */
  issue_url: z.string(),
  /** `https://github.com/{owner}/{repo}/pull/{number}#issuecomment-…` on a pull request. */
  html_url: z.string(),
  body: z.string().nullish(),
  user: userSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const repositorySchema = z.object({ full_name: z.string(), has_issues: z.boolean().optional() });

export type WireUser = z.output<typeof userSchema>;
export type WireIssue = z.output<typeof issueSchema>;
export type WireComment = z.output<typeof commentSchema>;
