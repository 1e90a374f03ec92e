// Who may import whom. Connectors — first-party ones too — are written against the public SDK
// only, exactly as a third-party plugin is; the SDK and the test kit import nothing of the hub;
// the core never reaches into the plugin host or a connector. Shared with the test that proves
// the rules bite (test/integration/plugins/import-boundaries.suite.ts).
const CONNECTOR_RULE = {
  patterns: [
    {
      group: ['..', '../*', '../**'],
      message: 'A connector imports replywatch/sdk and its own files (./…) only: nothing of the hub (src/core, src/plugins) and nothing of another connector.',
    },
    { group: ['@nestjs/*', 'nestjs-telegraf', 'typeorm', 'pg', '@electric-sql/*'], message: 'A connector gets its services from the connector context, not from the hub’s framework or database.' },
  ],
};

const SDK_RULE = {
  patterns: [
    { group: ['**/core', '**/core/**', '**/host', '**/host/**', '**/connectors/**'], message: 'The SDK and the test kit are the public surface: they import nothing of the hub.' },
    { group: ['@nestjs/*', 'typeorm', 'pg', '@electric-sql/*', 'express'], message: 'The SDK and the test kit import no framework.' },
  ],
};

const CORE_RULE = {
  patterns: [{ group: ['**/connectors', '**/connectors/**', '**/plugins/host', '**/plugins/host/**'], message: 'The core never imports a connector or the plugin host; it may use the SDK’s types.' }],
};

module.exports = {
  boundaries: [
    { files: ['src/connectors/**/*.ts'], rules: { 'no-restricted-imports': ['error', CONNECTOR_RULE] } },
    { files: ['src/plugins/sdk/**/*.ts', 'src/plugins/testing/**/*.ts'], rules: { 'no-restricted-imports': ['error', SDK_RULE] } },
    { files: ['src/core/**/*.ts'], rules: { 'no-restricted-imports': ['error', CORE_RULE] } },
  ],
};
