import { CONTRACT_VERSION } from '../../plugins/sdk';
import { type TemplateInput } from './names';

/** Versions the hub itself is built and tested with (see its package.json). */
const VERSIONS = { typescript: '5.9.3', typesNode: '20.19.43', zod: '4.6.7', axios: '1.21.1' };

export function packageJson({ names, direction, sdkSpec }: TemplateInput): string {
  const manifest = {
    name: names.packageName,
    version: '0.1.0',
    description: direction === 'outbound' ? `Replywatch connector: notifications to the ${names.title} chat webhook` : `Replywatch connector: customer messages from a ${names.title} JSON feed`,
    keywords: ['replywatch', 'replywatch-plugin'],
    type: 'commonjs',
    main: 'dist/src/index.js',
    types: 'dist/src/index.d.ts',
    files: ['dist/src', 'README.md'],
    engines: { node: '>=20.11' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      // A glob, not a directory: Node 21+ no longer searches a directory passed to --test.
      test: 'npm run build && node --test dist/test/*.test.js',
    },
    // The plugin runs inside the hub and uses the hub's copy of the SDK there.
    peerDependencies: { replywatch: '>=0.1.0 <1' },
    dependencies: direction === 'outbound' ? { axios: VERSIONS.axios, zod: VERSIONS.zod } : { zod: VERSIONS.zod },
    devDependencies: { '@types/node': VERSIONS.typesNode, replywatch: sdkSpec, typescript: VERSIONS.typescript },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      esModuleInterop: true,
      skipLibCheck: true,
      declaration: true,
      sourceMap: true,
      rootDir: '.',
      outDir: 'dist',
    },
    include: ['src', 'test'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function gitignore(): string {
  return 'node_modules/\ndist/\n*.tgz\n';
}

export function pluginIndex({ names }: TemplateInput): string {
  return `import { definePlugin } from 'replywatch/sdk';
import { ${names.camel}Connector } from './${names.id}.connector';

/**
 * What the hub loads from hub.yaml (\`plugins: [{ module: ... }]\`).
 *
 * contractVersion is a literal on purpose: it records the connector contract this plugin was
 * written for. CONTRACT_VERSION imported from replywatch/sdk would instead name the contract of
 * whatever copy happens to be installed, and a hub could no longer refuse a plugin that needs
 * more than it offers.
 */
export const replywatchPlugin = definePlugin({
  name: '${names.packageName}',
  contractVersion: '${CONTRACT_VERSION}',
  connectors: [${names.camel}Connector],
});
`;
}
