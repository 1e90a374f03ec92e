import { after, before, test } from 'node:test';
import { assertKitPassed, checkInboundConnector, formatKitReport } from 'replywatch/testing';
import { githubIssues } from '../src/github.connector';
import { FakeGitHub } from './fake-github';

const TOKEN = 'github_pat_11KIT0123456789abcdefghijklmnopqrstuvwxyz';

// Every 7th counted request is a secondary rate limit, which the connector must ride out
// through the hub's wait.
const github = new FakeGitHub({ token: TOKEN, rateLimitEvery: 7 });
before(() => github.start());
after(() => github.stop());

test('github-issues passes the inbound contract kit', async () => {
  const report = await checkInboundConnector(githubIssues, {
    // Two items a page, so every check also reads across `Link: rel="next"`.
    config: () => ({ owner: github.owner, repo: github.repo, token: TOKEN, apiUrl: github.url, pollInterval: '1s', pageSize: 2 }),
    source: github,
  });
  if (process.env.KIT_REPORTS) console.log(formatKitReport(report));
  assertKitPassed(report);
});
