import { SignInLimiter } from './sign-in-limiter';

describe('SignInLimiter', () => {
  it('refuses an address after the limit of failures until the window passes', () => {
    const limiter = new SignInLimiter(3, 60_000);
    const reached = [0, 1_000, 2_000].map((at) => {
      expect(limiter.retryAfter('a', at)).toBe(0);
      return limiter.fail('a', at);
    });
    expect(reached).toEqual([undefined, undefined, 'address']);
    expect(limiter.retryAfter('a', 3_000)).toBe(57_000);
    expect(limiter.retryAfter('b', 3_000)).toBe(0);
    expect(limiter.retryAfter('a', 60_001)).toBe(0);
  });

  it('has no way to forget failures early: a valid sign-in between guesses does not reset the count', () => {
    const limiter = new SignInLimiter(3, 60_000);
    expect('succeed' in limiter).toBe(false);
    for (const at of [0, 1, 2]) limiter.fail('a', at);
    expect(limiter.retryAfter('a', 3)).toBeGreaterThan(0);
  });

  it('keeps a budget for all addresses together, so guessing spread over many is slowed too', () => {
    const limiter = new SignInLimiter(3, 60_000, 10_000, 5);
    const reached = ['a', 'b', 'c', 'd', 'e'].map((address, at) => limiter.fail(address, at));
    expect(reached).toEqual([undefined, undefined, undefined, undefined, 'global']);
    // A client that never failed is refused as well, until the oldest failure ages out.
    expect(limiter.retryAfter('fresh', 10)).toBe(60_000 - 10);
    expect(limiter.retryAfter('fresh', 60_001)).toBe(0);
  });

  it('keeps at most maxTracked addresses', () => {
    const limiter = new SignInLimiter(1, 60_000, 2);
    limiter.fail('a', 0);
    limiter.fail('b', 0);
    limiter.fail('c', 0);
    expect(['a', 'b', 'c'].filter((x) => limiter.retryAfter(x, 1) > 0)).toHaveLength(2);
  });
});
