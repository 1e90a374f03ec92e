import { inboundConfig } from './inbound-config';
import { inboundConnector } from './inbound-connector';
import { inboundFeed } from './inbound-feed';
import { inboundFakeFeed, inboundTest } from './inbound-test';
import { type GeneratedFile, type TemplateInput } from './names';
import { outboundConfig } from './outbound-config';
import { outboundConnector } from './outbound-connector';
import { outboundErrorMapper } from './outbound-error-mapper';
import { outboundTest } from './outbound-test';
import { gitignore, packageJson, pluginIndex, tsconfigJson } from './project';
import { readme } from './readme';

export { PLUGIN_NAME, pluginNames, type GeneratedFile, type PluginDirection, type PluginNames, type TemplateInput } from './names';

/** Every file of a new plugin package, in the order they are listed to the user. */
export function renderPlugin(input: TemplateInput): GeneratedFile[] {
  const id = input.names.id;
  const connectorFiles: Array<[string, (input: TemplateInput) => string]> =
    input.direction === 'outbound'
      ? [
          [`src/${id}.connector.ts`, outboundConnector],
          [`src/${id}.config.ts`, outboundConfig],
          [`src/${id}-error.mapper.ts`, outboundErrorMapper],
          [`test/${id}.test.ts`, outboundTest],
        ]
      : [
          [`src/${id}.connector.ts`, inboundConnector],
          [`src/${id}.config.ts`, inboundConfig],
          [`src/${id}.feed.ts`, inboundFeed],
          [`test/${id}.test.ts`, inboundTest],
          ['test/fake-feed.ts', inboundFakeFeed],
        ];
  const files: Array<[string, (input: TemplateInput) => string]> = [
    ['package.json', packageJson],
    ['tsconfig.json', tsconfigJson],
    ['.gitignore', gitignore],
    ['README.md', readme],
    ['src/index.ts', pluginIndex],
    ...connectorFiles,
  ];
  return files.map(([path, render]) => ({ path, content: render(input) }));
}
