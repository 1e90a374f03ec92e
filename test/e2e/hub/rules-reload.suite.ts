import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !accept(value); i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

describe(`runbook hot reload (${testBackend})`, () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });

  afterAll(() => hub.close());

  const roleOf = async (author: string) => {
    const response = await hub.post(ingestBody({ conversation: `chat-${author}-${Math.random()}`, author }));
    return ((await response.json()) as { results: Array<{ role: string }> }).results[0]!.role;
  };
  const ready = async () => (await (await fetch(`${hub.url}/health/ready`)).json()) as { status: string; warnings: string[] };

  it('applies a changed rules file to the next messages', async () => {
    expect(await roleOf('bob')).toBe('customer');
    writeFileSync(hub.rulesFile, stringify({ version: 1, staff: [{ name: 'Bob', role: 'support', identities: [{ channel: 'http', id: 'bob' }] }] }));
    expect(await eventually(() => roleOf('bob'), (role) => role === 'staff')).toBe('staff');
  });

  it('keeps the previous rules when the new file is broken, and reports where on /health/ready', async () => {
    writeFileSync(hub.rulesFile, 'version: 1\nstaff:\n  - name: Eve\n    role: boss\n    identities: [{ channel: http, id: eve }]\n');
    const health = await eventually(ready, (h) => h.warnings.length > 0);
    expect(health.status).toBe('degraded');
    expect(health.warnings[0]).toMatch(/rules not reloaded, the previous rules stay in force: .*rules\.yaml:4:11 staff\[0\]\.role/);
    expect(await roleOf('bob')).toBe('staff');
    expect(await roleOf('eve')).toBe('customer');

    writeFileSync(hub.rulesFile, stringify({ version: 1, staff: [{ name: 'Eve', role: 'support', identities: [{ channel: 'http', id: 'eve' }] }] }));
    expect((await eventually(ready, (h) => h.warnings.length === 0)).status).toBe('up');
    expect(await roleOf('eve')).toBe('staff');
  });

  it('reloads on SIGHUP too', async () => {
    writeFileSync(hub.rulesFile, stringify({ version: 1 }));
    process.emit('SIGHUP');
    // At once, before the file watcher's settling delay (250 ms) could have reloaded it.
    expect(await roleOf('eve')).toBe('customer');
  });
});
