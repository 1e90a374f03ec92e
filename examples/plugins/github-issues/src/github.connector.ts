import { asConnectorError, ConnectorError, defineConnector, type Health } from 'replywatch/sdk';
import { GithubClient } from './github.client';
import { githubConfigSchema, type GithubConfig } from './github.config';
import { IssuePoller } from './github.poller';
import { repositorySchema } from './github.wire';

const VERIFY_TIMEOUT_MS = 10_000;

/**
 * A GitHub repository's issues and issue comments as customer messages: one conversation per
 * issue. Polls on one replica at a time (ctx.singleton); the hub waits and calls again after a
 * failure, honouring a RATE_LIMITED error's retryAfterMs, so there is no retry loop here.
 */
export const githubIssues = defineConnector<GithubConfig>({
  manifest: {
    id: 'github-issues',
    direction: 'inbound',
    channel: 'github',
    displayName: 'GitHub issues',
    configSchema: githubConfigSchema,
    services: ['state', 'singleton'],
  },
  create(ctx) {
    const repository = `${ctx.config.owner}/${ctx.config.repo}`;
    return {
      async verify(): Promise<Health> {
        const client = new GithubClient(ctx.config, ctx.clock);
        try {
          const repo = await client.getRepository(repositorySchema, AbortSignal.timeout(VERIFY_TIMEOUT_MS));
          if (repo.has_issues === false) return { status: 'down', detail: `${repository} has issues switched off` };
          return { status: 'up', detail: `${repository} is readable` };
        } catch (error) {
          const failure = asConnectorError(error);
          return { status: healthOf(failure), detail: failure.message };
        }
      },

      start(sink) {
        const poller = new IssuePoller(ctx);
        const handle = ctx.singleton.run('poll', async (signal) => {
          try {
            const result = await poller.pass(sink, signal);
            if (signal.aborted) return;
            const detail = result.unchanged === 2 ? 'nothing new' : `${result.accepted} message(s) handed over in the last pass`;
            ctx.health.report({ status: 'up', detail: `polling ${repository}: ${detail}` });
          } catch (error) {
            if (signal.aborted) return;
            const failure = asConnectorError(error);
            ctx.health.report({ status: healthOf(failure), detail: failure.message });
            // The hub waits (retryAfterMs for RATE_LIMITED, a backoff otherwise) and calls again.
            throw failure;
          }
          await ctx.clock.sleep(ctx.config.pollInterval, signal);
        });
        // handle.stop() aborts the signal and waits for the pass in flight to return; the pass
        // finishes the accept() it is in and saves the cursor first.
        return Promise.resolve({ stop: () => handle.stop() });
      },
    };
  },
});

/** Credentials or a wrong repository need a person; everything else should pass by itself. */
function healthOf(error: ConnectorError): Health['status'] {
  return error.code === 'AUTH_FAILED' || error.code === 'NOT_FOUND' ? 'down' : 'degraded';
}
