import { asConnectorError } from '../sdk/connector-error';
import { type MessageSink } from '../sdk/message';
import { type ConnectorInstance, type Stoppable } from '../sdk/connector';
import { type ConnectorLogger, type Health } from '../sdk/services';
import { type Clock } from '../../core/clock/clock';
import { describeError, retryDelay } from './services/backoff';

export type StartState = { phase: 'starting' | 'running' | 'stopped' } | { phase: 'retrying' | 'failed'; health: Health };

/**
 * Starts one inbound connector, and keeps trying while the failure is retryable (the peer is
 * unreachable, a 5xx, a rate limit): the host owns this loop so that no connector writes one.
 * A failure retrying cannot fix (AUTH_FAILED, NOT_FOUND, INVALID_PAYLOAD) leaves it down.
 */
export class InboundStarter {
  state: StartState = { phase: 'starting' };
  private handle: Stoppable | undefined;
  private readonly stopping = new AbortController();
  private retrying: Promise<void> | undefined;

  constructor(
    private readonly id: string,
    private readonly instance: ConnectorInstance,
    private readonly sink: MessageSink,
    private readonly clock: Clock,
    private readonly logger: ConnectorLogger,
    private readonly scrub: (text: string) => string,
    private readonly onHealth: (health: Health) => void,
  ) {}

  /** The first attempt is awaited; retries go on in the background. */
  async start(): Promise<void> {
    const failure = await this.attempt();
    if (failure === undefined) return;
    this.retrying = this.retry(failure, 1);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.retrying;
    const handle = this.handle;
    this.handle = undefined;
    this.state = { phase: 'stopped' };
    await handle?.stop();
  }

  private async retry(first: unknown, failures: number): Promise<void> {
    let failure: unknown = first;
    for (let n = failures; !this.stopping.signal.aborted; n++) {
      await this.clock.sleep(retryDelay(failure, n), this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      failure = await this.attempt();
      if (failure === undefined) return;
    }
  }

  /** Undefined when started (or given up on); otherwise the retryable failure. */
  private async attempt(): Promise<unknown> {
    if (!this.instance.start) return undefined;
    try {
      this.handle = await this.instance.start(this.sink);
      this.state = { phase: 'running' };
      this.logger.info(`inbound connector ${this.id} started`);
      return undefined;
    } catch (error) {
      const failure = asConnectorError(error);
      const reason = this.scrub(describeError(error));
      if (!failure.retryable) {
        const health: Health = { status: 'down', detail: `failed to start: ${reason}` };
        this.state = { phase: 'failed', health };
        this.onHealth(health);
        this.logger.error(`inbound connector ${this.id} failed to start: ${reason}`);
        return undefined;
      }
      const health: Health = { status: 'degraded', detail: `cannot start yet (${reason}); retrying` };
      this.state = { phase: 'retrying', health };
      this.onHealth(health);
      this.logger.warn(`inbound connector ${this.id} cannot start yet (${reason}); retrying in the background`);
      return error;
    }
  }
}
