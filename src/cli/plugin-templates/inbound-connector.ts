import { type TemplateInput } from './names';

export function inboundConnector({ names }: TemplateInput): string {
  const { camel, pascal, id, title } = names;
  return `import { ConnectorError, defineConnector, type Health, type InboundMessage, type MessageSink } from 'replywatch/sdk';
import { ${camel}ConfigSchema, type ${pascal}Config } from './${id}.config';
import { readFeedPage } from './${id}.feed';

/** Where the position in the feed is kept, shared by every replica of the hub. */
const CURSOR_KEY = 'cursor';

/**
 * Polls a JSON feed and hands each new item to the hub as a customer-chat message. The hub
 * decides who is staff and what opens an inquiry; this only reads, in order, and remembers how
 * far it got once the hub has committed what it read.
 */
export const ${camel}Connector = defineConnector<${pascal}Config>({
  manifest: {
    id: '${id}',
    direction: 'inbound',
    channel: '${id}',
    displayName: '${title} feed',
    configSchema: ${camel}ConfigSchema,
    // state keeps the cursor; the scheduler runs each poll once across replicas.
    services: ['state', 'scheduler'],
  },
  create(ctx) {
    const storedCursor = async (): Promise<string | undefined> => (await ctx.state.get<string>(CURSOR_KEY))?.value;

    /**
     * A message the hub will never take (INVALID_PAYLOAD) is logged and passed over, or it would
     * hold up the whole feed; any other refusal ends the poll before the cursor moves past it.
     */
    const handOver = async (sink: MessageSink, message: InboundMessage): Promise<void> => {
      try {
        await sink.accept(message);
      } catch (error) {
        if (!(ConnectorError.is(error) && error.code === 'INVALID_PAYLOAD')) throw error;
        ctx.logger.warn(\`passed over message \${message.id} in \${message.conversation.id}: \${error.message}\`);
      }
    };

    /** One poll: every page after the stored cursor, in the feed's order. */
    const poll = async (sink: MessageSink, signal: AbortSignal): Promise<void> => {
      let cursor = await storedCursor();
      while (!signal.aborted) {
        const page = await readFeedPage(ctx.config, cursor, signal);
        for (const message of page.messages) {
          // Stopping: hand over nothing more; the rest of the page is read again next time.
          if (signal.aborted) return;
          await handOver(sink, message);
        }
        if (page.cursor === cursor) return;
        // Only now has the hub committed (or refused for good) every item before the new cursor.
        await ctx.state.set(CURSOR_KEY, page.cursor);
        if (page.messages.length === 0) return;
        cursor = page.cursor;
      }
    };

    return {
      async verify(): Promise<Health> {
        try {
          await readFeedPage(ctx.config, await storedCursor(), AbortSignal.timeout(10_000));
          return { status: 'up' };
        } catch (error) {
          return { status: 'down', detail: ConnectorError.is(error) ? error.message : 'the feed cannot be read' };
        }
      },

      start(sink) {
        let failing = false;
        // No retry loop here: a poll that throws is logged by the hub and runs again at its next time.
        const job = ctx.scheduler.every('poll', ctx.config.pollInterval, async (signal) => {
          try {
            await poll(sink, signal);
            if (failing) ctx.health.report({ status: 'up' });
            failing = false;
          } catch (error) {
            if (!signal.aborted) {
              failing = true;
              ctx.health.report({ status: 'degraded', detail: ConnectorError.is(error) ? error.message : 'a poll failed' });
            }
            throw error;
          }
        });
        // stop() aborts the poll's signal and resolves once the poll in flight has returned.
        return Promise.resolve({ stop: () => job.stop() });
      },
    };
  },
});
`;
}
