import { z } from 'zod';
import { manifestProblems } from './manifest-check';

const outbound = (extra: Record<string, unknown>) => ({
  manifest: { id: 'hooks', direction: 'outbound', configSchema: z.object({}), ...extra },
  create: () => ({}),
});

describe('manifestProblems: deliveryOrder', () => {
  it('takes target, none, or nothing', () => {
    expect(manifestProblems(outbound({}), 'plugin x')).toEqual([]);
    expect(manifestProblems(outbound({ deliveryOrder: 'target' }), 'plugin x')).toEqual([]);
    expect(manifestProblems(outbound({ deliveryOrder: 'none' }), 'plugin x')).toEqual([]);
  });

  it('names anything else, so a typo cannot silently keep or drop the order', () => {
    expect(manifestProblems(outbound({ deliveryOrder: 'unordered' }), 'plugin x')).toEqual(['plugin x (hooks): manifest.deliveryOrder must be "target" or "none"']);
  });
});
