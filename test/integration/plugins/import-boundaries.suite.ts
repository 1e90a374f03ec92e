import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = path.join(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { boundaries } = require(path.join(ROOT, 'eslint.boundaries.cjs')) as { boundaries: Linter.Config[] };

function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: ROOT });
  const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries];
  return linter.verify(code, config, { filename: path.join(ROOT, file) }).map((m) => m.message);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('import boundaries', () => {
  it('fails the lint when a connector reaches into the core, the host or another connector', () => {
    expect(lint('src/connectors/telegram/probe.ts', `import { DATABASE } from '../../core/persistence/database';`)).toEqual([expect.stringContaining('A connector imports replywatch/sdk')]);
    expect(lint('src/connectors/telegram/probe.ts', `import { ContextFactory } from '../../plugins/host/services/context-factory';`)).toHaveLength(1);
    expect(lint('src/connectors/telegram/probe.ts', `import { httpConnector } from '../http/http.connector';`)).toHaveLength(1);
    expect(lint('src/connectors/telegram/probe.ts', `import { Injectable } from '@nestjs/common';`)).toEqual([expect.stringContaining('connector context')]);
    expect(lint('src/connectors/telegram/probe.ts', `import { defineConnector } from 'replywatch/sdk';\nimport { addressOf } from './telegram-target';\nimport { Telegraf } from 'telegraf';`)).toEqual([]);
  });

  it('keeps the SDK and the test kit free of the hub, and the core free of connectors and the host', () => {
    expect(lint('src/plugins/sdk/probe.ts', `import { Database } from '../../core/persistence/database';`)).toHaveLength(1);
    expect(lint('src/plugins/testing/probe.ts', `import { Module } from '@nestjs/common';`)).toHaveLength(1);
    expect(lint('src/plugins/testing/probe.ts', `import { ConnectorError } from '../sdk';`)).toEqual([]);
    expect(lint('src/core/intake/probe.ts', `import { telegramConnector } from '../../connectors/telegram/telegram.connector';`)).toHaveLength(1);
    expect(lint('src/core/intake/probe.ts', `import { ConnectorHost } from '../../plugins/host/connector-host';`)).toHaveLength(1);
    expect(lint('src/core/intake/probe.ts', `import { type InboundMessage } from '../../plugins/sdk/message';`)).toEqual([]);
  });

  it('finds no import from src/connectors into the hub in the code as it is', () => {
    const offending = filesUnder(path.join(ROOT, 'src/connectors')).flatMap((file) => {
      const specifiers = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
      return specifiers.filter((s) => s.startsWith('..')).map((s) => `${path.relative(ROOT, file)}: ${s}`);
    });
    expect(offending).toEqual([]);
  });
});
