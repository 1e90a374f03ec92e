import { ConnectorError } from '../../plugins/sdk/connector-error';
import { outboxSchema } from '../config/hub-config.schema';
import { decideRetry } from './retry-policy';

const settings = outboxSchema.parse({ maxAttempts: 4, maxTotalAttempts: 10, baseDelay: '1s', maxDelay: '10s' });
const none = () => 0;
const full = () => 0.999999;

describe('decideRetry', () => {
  it('backs off exponentially with jitter inside [d/2, d] and caps at maxDelay', () => {
    const temp = new ConnectorError('TEMPORARY', 'down');
    expect(decideRetry(temp, { attempts: 1, failures: 0 }, settings, none)).toEqual({ retry: true, delayMs: 500, countsAsFailure: true });
    expect(decideRetry(temp, { attempts: 2, failures: 1 }, settings, full)).toMatchObject({ delayMs: 2000 });
    expect(decideRetry(temp, { attempts: 3, failures: 2 }, settings, none)).toMatchObject({ delayMs: 2000 });
    const capped = outboxSchema.parse({ maxAttempts: 20, baseDelay: '1s', maxDelay: '10s' });
    expect(decideRetry(temp, { attempts: 9, failures: 9 }, capped, full)).toMatchObject({ delayMs: 10000 });
  });

  it('follows the retry schedule by default (Svix: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) with ±20 % jitter', () => {
    const svix = outboxSchema.parse({});
    const temp = new ConnectorError('TEMPORARY', 'down');
    const waits = [0, 1, 2, 3, 4, 5, 6].map((failures) => decideRetry(temp, { attempts: failures + 1, failures }, svix, () => 0.5));
    expect(waits.map((w) => (w.retry ? w.delayMs : null))).toEqual([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(decideRetry(temp, { attempts: 1, failures: 0 }, svix, none)).toMatchObject({ delayMs: 4000 });
    expect(decideRetry(temp, { attempts: 1, failures: 0 }, svix, full)).toMatchObject({ delayMs: 6000 });
    // The eighth failure (the first attempt and seven retries) ends it, about 27.5 h after the first.
    expect(decideRetry(temp, { attempts: 8, failures: 7 }, svix, none)).toMatchObject({ retry: false, reason: 'gave up after 8 failed attempts' });
    // A peer's retry-after longer than the schedule's wait wins.
    const slow = new ConnectorError('TEMPORARY', '503', { retryAfterMs: 60_000 });
    expect(decideRetry(slow, { attempts: 1, failures: 0 }, svix, none)).toMatchObject({ delayMs: 60_000 });
  });

  it('waits at least the retry-after a rate-limited peer asks for, without using the failure budget', () => {
    const limited = new ConnectorError('RATE_LIMITED', '429', { retryAfterMs: 30_000 });
    const decision = decideRetry(limited, { attempts: 5, failures: 3 }, settings, none);
    expect(decision).toEqual({ retry: true, delayMs: 30_000, countsAsFailure: false });
    expect(decideRetry(limited, { attempts: 5, failures: 3 }, settings, full)).toMatchObject({ delayMs: 31_000 });
  });

  it('keeps backing off on repeated 429s without retry-after instead of burning the attempt cap', () => {
    const limited = new ConnectorError('RATE_LIMITED', '429');
    expect(decideRetry(limited, { attempts: 1, failures: 0 }, settings, full)).toMatchObject({ delayMs: 1000, countsAsFailure: false });
    expect(decideRetry(limited, { attempts: 4, failures: 0 }, settings, full)).toMatchObject({ delayMs: 8000 });
  });

  it('dead-letters errors that retrying cannot fix, at once', () => {
    for (const code of ['NOT_FOUND', 'INVALID_PAYLOAD'] as const) {
      expect(decideRetry(new ConnectorError(code, 'x'), { attempts: 1, failures: 0 }, settings, none)).toMatchObject({ retry: false });
    }
  });

  it('holds a delivery whose credentials were refused for the pause, without using its failure budget, until the cap on all attempts', () => {
    const refused = new ConnectorError('AUTH_FAILED', '401');
    expect(decideRetry(refused, { attempts: 3, failures: 3 }, settings, full)).toEqual({ retry: true, delayMs: settings.authPause, countsAsFailure: false });
    expect(decideRetry(refused, { attempts: 10, failures: 0 }, settings, none)).toMatchObject({ retry: false, reason: 'credentials still refused after 10 attempts' });
  });

  it('gives up after maxAttempts failures and after maxTotalAttempts of any kind', () => {
    expect(decideRetry(new ConnectorError('TEMPORARY', 'x'), { attempts: 4, failures: 3 }, settings, none)).toEqual({
      retry: false,
      reason: 'gave up after 4 failed attempts',
    });
    expect(decideRetry(new ConnectorError('RATE_LIMITED', 'x'), { attempts: 10, failures: 0 }, settings, none)).toMatchObject({ retry: false });
  });
});
