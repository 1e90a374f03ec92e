import { type TemplateInput } from './names';

export function readme(input: TemplateInput): string {
  const { names } = input;
  const body = input.direction === 'outbound' ? outboundSections(input) : inboundSections(input);
  return `# ${names.packageName}

${body}

## Developing

\`\`\`sh
npm install
npm test        # builds, then runs the Replywatch contract test kit against the connector
\`\`\`

The test runs \`replywatch/testing\`, the same contract kit the hub's own connectors pass: every
check must pass. Keep it passing as you adapt the connector to your service.

\`replywatch\` is a peer dependency: installed beside the hub, the plugin uses the hub's copy of
the SDK; loaded from this folder, it uses the copy the devDependency installed here. Both work:
the hub recognizes secrets and errors from any copy. \`contractVersion\` in src/index.ts names
the connector contract the plugin is written for; the hub refuses a plugin it cannot serve.
`;
}

function loading({ names }: TemplateInput, settings: string): string {
  return `## Loading it into the hub

Build it (\`npm run build\`), then in hub.yaml:

\`\`\`yaml
plugins:
  - module: /path/to/${names.packageName}/dist/src/index.js   # or the package name once installed beside the hub
connectors:
  ${names.id}:
    enabled: true
${settings}
\`\`\``;
}

function outboundSections(input: TemplateInput): string {
  const { names } = input;
  return `A Replywatch connector that posts notifications (an inquiry opened, an SLA mark, a breach…)
to a chat's incoming webhook: one JSON \`POST\` per notification,

\`\`\`json
{ "text": "…", "event": "inquiry.opened", "inquiryId": "…", "conversation": { "channel": "…", "id": "…", "title": "…" }, "channel": "#support" }
\`\`\`

with an \`Idempotency-Key\` header that stays the same when the hub retries, and
\`Authorization: Bearer <token>\` when a token is set. Answers: 2xx delivered; 429 waits for
Retry-After; 5xx and network errors are retried; 401/403, 404 and other 4xx are dead letters.

## Settings

| key | | |
|---|---|---|
| \`url\` | required, secret | the webhook URL |
| \`token\` | optional, secret | bearer token |
| \`timeoutMs\` | default 10000 | one attempt's time limit |

${loading(input, `    url: \${${names.env}_WEBHOOK_URL}
    token: \${${names.env}_TOKEN}`)}

and name it in a duty target of rules.yaml:

\`\`\`yaml
duty:
  targets:
    - name: duty
      connector: ${names.id}
      to: { channel: "#support" }   # optional
notify:
  inquiryOpened: [duty]
\`\`\``;
}

function inboundSections(input: TemplateInput): string {
  const { names } = input;
  return `A Replywatch connector that polls a JSON feed of customer-chat messages, so the hub can make
sure none goes unanswered. Each poll asks \`GET <url>?after=<cursor>\` (no \`after\` the first
time) and expects

\`\`\`json
{ "items": [{ "id": "m-1", "conversation": "acme", "author": { "id": "u-7", "name": "Ann", "role": "customer" }, "text": "…", "sentAt": "2026-03-02T09:00:00Z" }], "cursor": "m-1" }
\`\`\`

Items are handed to the hub in order; the cursor is stored (in the hub's database, shared by
replicas) only after the hub has committed them, so a crash re-reads rather than loses.
\`role\` is optional: without it the hub decides who is staff. Channel: \`${names.id}\`.

## Settings

| key | | |
|---|---|---|
| \`url\` | required | the feed |
| \`token\` | optional, secret | bearer token |
| \`pollInterval\` | default \`15s\` | at least \`1s\` |
| \`conversationPrefix\` | default empty | put before every conversation id |

${loading(input, `    url: https://feed.example.com/messages
    token: \${${names.env}_TOKEN}
    pollInterval: 15s`)}`;
}
