import { type TemplateInput } from './names';

export function outboundTest({ names }: TemplateInput): string {
  const { camel, id } = names;
  return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertKitPassed, checkOutboundConnector, formatKitReport } from 'replywatch/testing';
import { ${camel}Connector } from '../src/${id}.connector';

test('${id} passes the outbound contract kit', async (t) => {
  const report = await checkOutboundConnector(${camel}Connector, {
    // The kit's fake peer answers any path; the query makes sure no error ever quotes the URL.
    config: (peerUrl) => ({ url: \`\${peerUrl}/hooks/replywatch?key=kit-url-key-0123\`, token: 'kit-token-0123456789', timeoutMs: 2000 }),
    target: { name: 'duty', channel: '#support' },
    dutyTargets: [{ name: 'duty', to: { channel: '#support' } }],
    idempotencyKey: (request) => request.headers['idempotency-key'],
  });
  for (const line of formatKitReport(report).split('\\n')) t.diagnostic(line);
  assertKitPassed(report);
  const notPassed = report.checks.filter((check) => check.outcome !== 'passed').map((check) => check.name);
  assert.deepEqual(notPassed, [], 'every check of the kit applies to a webhook and must pass');
});
`;
}
