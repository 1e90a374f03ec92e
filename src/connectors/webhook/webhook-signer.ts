import { ConnectorError } from 'replywatch/sdk';
import { Webhook } from 'standardwebhooks';
import { WHSEC, type WebhookEndpoint } from './webhook.config';

/**
 * Signs per Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature` over
 * `{id}.{timestamp}.{body}`. During a rotation both secrets sign, space-separated, so a
 * receiver that knows either one accepts the request.
 */
export class WebhookSigner {
  private readonly signers: Webhook[];

  constructor(endpoint: WebhookEndpoint, env: NodeJS.ProcessEnv = process.env) {
    const current = endpoint.secret ?? readSecret(endpoint, endpoint.secretEnv, env, true);
    const previous = endpoint.previousSecretEnv === undefined ? undefined : readSecret(endpoint, endpoint.previousSecretEnv, env, false);
    this.signers = [current, previous].filter((s): s is string => s !== undefined).map((s) => new Webhook(s));
  }

  headers(id: string, at: Date, body: string): Record<string, string> {
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.signers.map((signer) => signer.sign(id, at, body)).join(' '),
    };
  }
}

function readSecret(endpoint: WebhookEndpoint, variable: string | undefined, env: NodeJS.ProcessEnv, required: boolean): string | undefined {
  const value = variable === undefined ? undefined : env[variable];
  if (value === undefined || value === '') {
    if (!required) return undefined;
    throw new ConnectorError('AUTH_FAILED', `endpoint ${endpoint.name}: the environment variable ${variable ?? '(none)'} holding its signing secret is not set`, { scope: 'target' });
  }
  if (!WHSEC.test(value)) {
    throw new ConnectorError('AUTH_FAILED', `endpoint ${endpoint.name}: ${variable ?? 'the secret'} is not a Standard Webhooks secret ("whsec_" followed by base64)`, { scope: 'target' });
  }
  return value;
}
