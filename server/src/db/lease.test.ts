import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { connectTwice } from '../testing/index.js';
import { acquireLease, pruneLeases, releaseLease, renewLease } from './lease.js';

let first: Connection;
let second: Connection;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ first, second, close } = await connectTwice());
});
afterAll(() => close());

describe('acquireLease', () => {
  it('lets exactly one of many concurrent callers on two connections win', async () => {
    for (let round = 0; round < 10; round += 1) {
      const resource = `race-${round}`;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, index) => acquireLease(index % 2 ? first : second, resource, `worker-${index}`, 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it('refuses a held lease and hands over an expired one to the next generation', async () => {
    const held = await acquireLease(first, 'job-a', 'one', 60_000);
    expect(held?.generation).toBe(1);
    expect(await acquireLease(second, 'job-a', 'two', 60_000)).toBeNull();

    const shortLived = await acquireLease(first, 'job-b', 'crashed-worker', -1);
    expect(shortLived?.generation).toBe(1);
    const takeover = await acquireLease(second, 'job-b', 'survivor', 60_000);
    expect(takeover).toEqual({ resource: 'job-b', generation: 2, owner: 'survivor' });
  });

  it('lets a released lease be taken again, and never a done one', async () => {
    const lease = await acquireLease(first, 'job-c', 'one', 60_000);
    await releaseLease(first, lease!, { done: false });
    const again = await acquireLease(second, 'job-c', 'two', 60_000);
    expect(again?.generation).toBe(2);
    await releaseLease(second, again!, { done: true });
    expect(await acquireLease(first, 'job-c', 'three', 60_000)).toBeNull();
  });

  it('prunes leases older than the retention cut-off', async () => {
    await acquireLease(first, 'job-old', 'one', 60_000);
    expect(await pruneLeases(first, new Date(Date.now() + 1000))).toBeGreaterThan(0);
    expect(await acquireLease(first, 'job-old', 'two', 60_000)).not.toBeNull();
  });
});

describe('renewLease', () => {
  it('keeps a working holder\'s lease from being taken over, and says when it was lost', async () => {
    // Already run out, but nobody has taken it over yet: renewing keeps it.
    const lease = await acquireLease(first, 'job-renew', 'slow-but-alive', -1);
    expect(await renewLease(first, lease!, 60_000)).toBe(true);
    expect(await acquireLease(second, 'job-renew', 'sweeper', 60_000)).toBeNull();

    const lapsed = await acquireLease(first, 'job-lapsed', 'stalled', -1);
    const takeover = await acquireLease(second, 'job-lapsed', 'sweeper', 60_000);
    expect(takeover?.generation).toBe(2);
    expect(await renewLease(first, lapsed!, 60_000)).toBe(false);
  });
});
