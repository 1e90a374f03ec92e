import { SignInLimiter } from './sign-in-limiter';

describe('SignInLimiter', () => {
  it('refuses an address after the limit of failures until the window passes', () => {
    const limiter = new SignInLimiter(3, 60_000);
    const reached = [0, 1_000, 2_000].map((at) => {
      expect(limiter.retryAfter('a', at)).toBe(0);
      return limiter.fail('a', at);
    });
    expect(reached).toEqual([false, false, true]);
    expect(limiter.retryAfter('a', 3_000)).toBe(57_000);
    expect(limiter.retryAfter('b', 3_000)).toBe(0);
    expect(limiter.retryAfter('a', 60_001)).toBe(0);
  });

  it('forgets failures after a successful sign-in', () => {
    const limiter = new SignInLimiter(1, 60_000);
    limiter.fail('a', 0);
    limiter.succeed('a');
    expect(limiter.retryAfter('a', 1)).toBe(0);
  });

  it('keeps at most maxTracked addresses', () => {
    const limiter = new SignInLimiter(1, 60_000, 2);
    limiter.fail('a', 0);
    limiter.fail('b', 0);
    limiter.fail('c', 0);
    expect(['a', 'b', 'c'].filter((x) => limiter.retryAfter(x, 1) > 0)).toHaveLength(2);
  });
});
