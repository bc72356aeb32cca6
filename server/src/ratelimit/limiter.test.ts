import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { connectTwice, testServerUri } from '../testing/index.js';
import { createRateLimiter, type RateLimitDecision } from './limiter.js';
import { rateLimitBucketModel } from './model.js';

// Each limiter stands for one server process; two connections to one database.
let first: Connection;
let second: Connection;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ first, second, close } = await connectTwice());
});
afterAll(() => close());

const WINDOW = 60_000;
let keys = 0;
const newKey = () => `key_${++keys}`;
let offset = 0; // how far the limiters' clock runs ahead of the real one
const clock = () => Date.now() + offset;
const limiterOn = (connection: Connection, max: number) => createRateLimiter(connection, { max, windowMs: WINDOW, clock });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const hitsOf = async (key: string) => (await rateLimitBucketModel(first).findById(key).lean())?.hits ?? [];

describe('rate limiter', () => {
  it('admits exactly max of a burst raced by three processes, each with an exact Remaining', async () => {
    const max = 7;
    const limiters = [limiterOn(first, max), limiterOn(second, max), limiterOn(first, max)];
    const key = newKey();
    const burst = () => Promise.all(range(0, 44).map((i) => limiters[i % 3]!.hit(key)));
    const remainingOf = (decisions: RateLimitDecision[]) => decisions.filter((d) => d.allowed).map((d) => d.remaining).sort((a, b) => a - b);

    const firstBurst = await burst();
    expect(remainingOf(firstBurst)).toEqual(range(0, max - 1));
    expect(firstBurst.filter((d) => !d.allowed).every((d) => d.resetSeconds > 0 && d.resetSeconds <= 60)).toBe(true);

    offset = Math.max(...(await hitsOf(key))) + WINDOW + 1 - Date.now(); // the whole burst has left the window
    expect(remainingOf(await burst())).toEqual(range(0, max - 1));
  });

  it('counts in Remaining only the requests still inside the window, whichever process admitted them', async () => {
    const a = limiterOn(first, 10);
    const b = limiterOn(second, 10);
    const key = newKey();
    for (let i = 0; i < 3; i++) {
      await a.hit(key);
      offset += 1_000;
    }
    expect((await b.hit(key)).remaining).toBe(6);
    const [, second_] = await hitsOf(key);
    offset = second_! + WINDOW + 1 - Date.now(); // the first two leave the window
    expect((await a.hit(key)).remaining).toBe(7); // 3, 4, 5 inside
    expect((await b.hit(key)).remaining).toBe(6); // 3…6 inside
  });

  it('refuses until the oldest request in the window leaves it, and says when', async () => {
    const limiter = limiterOn(first, 2);
    const key = newKey();
    await limiter.hit(key);
    offset += 10_000;
    await limiter.hit(key);
    const refused = await limiter.hit(key);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 50 });
    offset += 50_001;
    expect(await limiter.hit(key)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('admits a request with one database command and keeps at most max times per key', async () => {
    const url = new URL(testServerUri());
    url.pathname = `/${first.db!.databaseName}`;
    const monitored = await mongoose.createConnection(url.toString(), { monitorCommands: true }).asPromise();
    await rateLimitBucketModel(monitored).init(); // the collection and its index exist before counting
    const commands: string[] = [];
    monitored.getClient().on('commandStarted', (event) => commands.push(event.commandName));
    try {
      const key = newKey();
      const limiter = limiterOn(monitored, 3);
      await limiter.hit(key); // creates the bucket (and mongoose may create indexes first)
      commands.length = 0;
      for (let i = 0; i < 2; i++) await limiter.hit(key);
      expect(commands).toEqual(['findAndModify', 'findAndModify']);
      expect(await hitsOf(key)).toHaveLength(3);
      offset += WINDOW + 1;
      await limiter.hit(key);
      expect(await hitsOf(key)).toHaveLength(3); // the oldest was dropped, not kept
    } finally {
      await monitored.close();
    }
  });

  it('sweeps buckets of keys idle for a window', async () => {
    const limiter = limiterOn(first, 3);
    const idle = newKey();
    const busy = newKey();
    await limiter.hit(idle);
    offset += WINDOW + 1;
    await limiter.hit(busy);
    expect(await limiter.sweep()).toBeGreaterThanOrEqual(1);
    expect(await rateLimitBucketModel(first).exists({ _id: idle })).toBeNull();
    expect(await rateLimitBucketModel(first).exists({ _id: busy })).not.toBeNull();
  });
});
