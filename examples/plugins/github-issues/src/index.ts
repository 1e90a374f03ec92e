import { definePlugin } from 'replywatch/sdk';
import { githubIssues } from './github.connector';

/** What the hub loads: `plugins: [{ module: replywatch-plugin-github-issues }]` in hub.yaml. */
export const replywatchPlugin = definePlugin({
  name: 'replywatch-plugin-github-issues',
  // The contract this plugin was written and tested against, as a literal (not CONTRACT_VERSION,
  // which would silently claim whatever version the installed hub speaks).
  contractVersion: '2.0',
  connectors: [githubIssues],
});

export { githubIssues } from './github.connector';
export { githubConfigSchema, type GithubConfig } from './github.config';
