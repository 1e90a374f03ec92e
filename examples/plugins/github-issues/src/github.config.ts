import { durationAtLeast, durationSchema, secret } from 'replywatch/sdk';
import { z } from 'zod';

export const githubConfigSchema = z
  .object({
    /** The account or organization owning the repository (`acme` in acme/widgets). */
    owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'expected a GitHub user or organization name'),
    /** The repository's name (`widgets` in acme/widgets). */
    repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected a repository name'),
    /**
     * A token that can read the repository's issues (fine-grained: "Issues: read"). Optional for
     * a public repository, at 60 requests an hour per IP instead of 5000.
     */
    token: secret(z.string().min(1)).optional(),
    /** `https://<host>/api/v3` for GitHub Enterprise Server. */
    apiUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://api.github.com')
      .transform((url) => url.replace(/\/+$/, '')),
    /** Pause between two passes over the repository. */
    pollInterval: durationAtLeast(1000, '1s').default(60_000),
    /**
     * Items per request. GitHub allows at most 100 (the default, fewest requests); a smaller
     * page is mostly for tests that want to see pagination with a handful of issues.
     */
    pageSize: z.number().int().min(1).max(100).default(100),
    /** On the very first start only: how far back to read. Later starts resume from the cursor. */
    lookBack: durationSchema.default(24 * 3_600_000),
  })
  .strict();

export type GithubConfig = z.output<typeof githubConfigSchema>;
