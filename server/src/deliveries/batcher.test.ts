import { describe, expect, it } from '@jest/globals';
import { createBatcher } from './batcher.js';

describe('createBatcher', () => {
  it('passes the ids of one window on in one call, and every caller waits for it', async () => {
    const calls: string[][] = [];
    const batcher = createBatcher(20, async (ids) => {
      calls.push([...ids]);
    });
    await Promise.all([batcher.add(['a'], 'k'), batcher.add(['b', 'c'], 'k'), batcher.add([], 'k')]);
    expect(calls).toEqual([['a', 'b', 'c']]);
    await batcher.add(['d'], 'k');
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('keeps one batch per key', async () => {
    const calls: Array<[number, string[]]> = [];
    const batcher = createBatcher<number>(10, async (ids, key) => {
      calls.push([key, [...ids]]);
    });
    await Promise.all([batcher.add(['a'], 1), batcher.add(['b'], 2), batcher.add(['c'], 1)]);
    expect(calls.sort()).toEqual([
      [1, ['a', 'c']],
      [2, ['b']],
    ]);
  });

  it('lets every caller of a window see that window\'s failure', async () => {
    const batcher = createBatcher(5, async () => {
      throw new Error('database down');
    });
    const results = await Promise.allSettled([batcher.add(['a'], 'k'), batcher.add(['b'], 'k')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
