import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { connectTestDatabase, dropTestDatabase, freshDatabaseUri } from '../testing/index.js';
import { createRateLimiter } from './limiter.js';

// Four limiters on four connections to one database: four server processes sharing a key.
const PROCESSES = 4;
let connections: Connection[] = [];
beforeAll(async () => {
  const uri = freshDatabaseUri();
  connections = await Promise.all(Array.from({ length: PROCESSES }, () => connectTestDatabase(uri)));
});
afterAll(async () => {
  for (const connection of connections.slice(1)) await connection.close();
  await dropTestDatabase(connections[0]!);
});

/** The most admitted times that fall in one window (t − windowMs, t] ending at any admitted t. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - windowMs) start++;
    busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
}

describe('rate limiter shared by several processes', () => {
  it('never admits more than max in any sliding window while four processes hammer one key', async () => {
    const max = 120; // blocks of up to 15
    const windowMs = 1_000;
    const key = 'key_hammered';
    const admitted: number[] = [];
    let refused = 0;
    const hammer = async (connection: Connection) => {
      const limiter = createRateLimiter(connection, { max, windowMs });
      const deadline = Date.now() + 3 * windowMs;
      const loop = async () => {
        while (Date.now() < deadline) {
          const decision = await limiter.hit(key);
          if (decision.allowed) admitted.push(decision.at);
          else refused++;
        }
      };
      await Promise.all(Array.from({ length: 6 }, loop));
    };
    await Promise.all(connections.map(hammer));

    expect(refused).toBeGreaterThan(0); // the load was over the limit…
    expect(admitted.length).toBeGreaterThan(max); // …for more than one window
    expect(busiestWindow(admitted, windowMs)).toBeLessThanOrEqual(max);
  });

  it('finds a busiest window that holds more than max (the check can fail)', () => {
    expect(busiestWindow([0, 10, 500, 999, 1_500], 1_000)).toBe(4);
  });
});
