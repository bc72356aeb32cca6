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
// The limiters' clock stands still unless a test moves it: no block expires because the machine is slow.
let now = Date.now();
const clock = () => now;
const limiterOn = (connection: Connection, max: number) => createRateLimiter(connection, { max, windowMs: WINDOW, clock });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** The times a key's bucket counts, oldest first. */
const timesOf = async (key: string) => ((await rateLimitBucketModel(first).findById(key).lean())?.times ?? []).sort((a, b) => a - b);

/** Another connection to the test database whose commands are listed as they start. */
async function monitoredConnection() {
  const url = new URL(testServerUri());
  url.pathname = `/${first.db!.databaseName}`;
  const connection = await mongoose.createConnection(url.toString(), { monitorCommands: true }).asPromise();
  await rateLimitBucketModel(connection).init(); // the collection and its index exist before counting
  const commands: string[] = [];
  connection.getClient().on('commandStarted', (event) => commands.push(event.commandName));
  return { connection, commands };
}

describe('rate limiter', () => {
  it('admits exactly max of a burst raced by three processes, each with an exact Remaining', async () => {
    const max = 40; // blocks of up to 5
    const limiters = [limiterOn(first, max), limiterOn(second, max), limiterOn(first, max)];
    const key = newKey();
    const burst = () => Promise.all(range(0, 119).map((i) => limiters[i % 3]!.hit(key)));
    const remainingOf = (decisions: RateLimitDecision[]) => decisions.filter((d) => d.allowed).map((d) => d.remaining).sort((a, b) => a - b);

    const firstBurst = await burst();
    expect(remainingOf(firstBurst)).toEqual(range(0, max - 1));
    expect(firstBurst.filter((d) => !d.allowed).every((d) => d.resetSeconds > 0 && d.resetSeconds <= 61)).toBe(true);

    now = Math.max(...(await timesOf(key))) + WINDOW + 1; // the whole burst has left the window
    expect(remainingOf(await burst())).toEqual(range(0, max - 1));
  });

  it('counts in Remaining only the requests still inside the window, whichever process admitted them', async () => {
    const a = limiterOn(first, 10);
    const b = limiterOn(second, 10);
    const key = newKey();
    for (let i = 0; i < 3; i++) {
      await a.hit(key);
      now += 1_000;
    }
    expect((await b.hit(key)).remaining).toBe(6);
    const [, second_] = await timesOf(key);
    now = second_! + WINDOW + 1; // the first two leave the window
    expect((await a.hit(key)).remaining).toBe(7); // 3, 4, 5 inside
    expect((await b.hit(key)).remaining).toBe(6); // 3…6 inside
  });

  it('refuses until the oldest request in the window leaves it, and says when', async () => {
    const limiter = limiterOn(first, 2);
    const key = newKey();
    await limiter.hit(key);
    now += 10_000;
    await limiter.hit(key);
    const refused = await limiter.hit(key);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 51 }); // counted from the end of its block: 50.25 s
    now += 50_250;
    expect(await limiter.hit(key)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('counts a cold key\'s request at its own time with one command, and keeps at most max times', async () => {
    const { connection, commands } = await monitoredConnection();
    try {
      const key = newKey();
      const limiter = createRateLimiter(connection, { max: 3, windowMs: WINDOW, clock });
      await limiter.hit(key); // creates the bucket (and mongoose may create indexes first)
      commands.length = 0;
      const arrivals: number[] = [];
      for (let i = 0; i < 2; i++) {
        now += 1_000; // a second apart: never a block of more than one
        arrivals.push(now);
        await limiter.hit(key);
      }
      expect(commands).toEqual(['findAndModify', 'findAndModify']);
      expect((await timesOf(key)).slice(1)).toEqual(arrivals.map((at) => at + 250)); // counted until the block's end
      now += WINDOW + 1_000;
      await limiter.hit(key);
      expect(await timesOf(key)).toHaveLength(3); // the oldest was dropped, not kept
    } finally {
      await connection.close();
    }
  });

  it('serves a hot key from blocks: far fewer commands than requests, Remaining still counting down by one', async () => {
    const { connection, commands } = await monitoredConnection();
    try {
      const max = 1_000;
      const limiter = createRateLimiter(connection, { max, windowMs: WINDOW, clock });
      const key = newKey();
      const remaining: number[] = [];
      for (let i = 0; i < 500; i++) remaining.push((await limiter.hit(key)).remaining);
      expect(remaining).toEqual(range(max - 500, max - 1).reverse());
      expect(commands.every((name) => name === 'findAndModify')).toBe(true);
      expect(commands.length).toBeLessThanOrEqual(500 / 40); // blocks of 1, 2, 4 … 125 (an eighth of the limit): about 9
      const times = await timesOf(key);
      expect(times.length).toBeGreaterThanOrEqual(500); // every request counted, the unused permits of the last block too
      expect(times.length).toBeLessThan(500 + max / 8); // at most one block's worth unused
    } finally {
      await connection.close();
    }
  });

  it('remembers a refusal: a key over its limit costs no command until a slot frees', async () => {
    const { connection, commands } = await monitoredConnection();
    try {
      const limiter = createRateLimiter(connection, { max: 2, windowMs: WINDOW, clock });
      const key = newKey();
      await limiter.hit(key);
      await limiter.hit(key);
      commands.length = 0;
      expect((await limiter.hit(key)).allowed).toBe(false);
      expect(commands).toEqual(['findAndModify', 'find']); // the refused reservation, then when a slot frees
      commands.length = 0;
      for (let i = 0; i < 20; i++) expect(await limiter.hit(key)).toMatchObject({ allowed: false, remaining: 0 });
      expect(commands).toEqual([]);
      const [oldest] = await timesOf(key);
      now = oldest! + WINDOW - 100;
      expect((await limiter.hit(key)).allowed).toBe(false); // shortly before, still without asking
      expect(commands).toEqual([]);
      now += 100;
      expect((await limiter.hit(key)).allowed).toBe(true);
      expect(commands).toEqual(['findAndModify']);
    } finally {
      await connection.close();
    }
  });

  it('sweeps buckets of keys idle for a window', async () => {
    const limiter = limiterOn(first, 3);
    const idle = newKey();
    const busy = newKey();
    await limiter.hit(idle);
    now += WINDOW + 1_000;
    await limiter.hit(busy);
    expect(await limiter.sweep()).toBeGreaterThanOrEqual(1);
    expect(await rateLimitBucketModel(first).exists({ _id: idle })).toBeNull();
    expect(await rateLimitBucketModel(first).exists({ _id: busy })).not.toBeNull();
  });
});
