import { describe, expect, it } from '@jest/globals';
import { createBatcher } from './batcher.js';

describe('createBatcher', () => {
  it('passes the ids of one window on in one call, and every caller waits for it', async () => {
    const calls: string[][] = [];
    const batcher = createBatcher(20, async (ids) => {
      calls.push([...ids]);
    });
    await Promise.all([batcher.add(['a']), batcher.add(['b', 'c']), batcher.add([])]);
    expect(calls).toEqual([['a', 'b', 'c']]);
    await batcher.add(['d']);
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('lets every caller of a window see that window\'s failure', async () => {
    const batcher = createBatcher(5, async () => {
      throw new Error('database down');
    });
    const results = await Promise.allSettled([batcher.add(['a']), batcher.add(['b'])]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
