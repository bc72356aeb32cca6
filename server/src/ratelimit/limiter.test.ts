import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { connectTwice } from '../testing/index.js';
import { createRateLimiter, type RateLimitDecision } from './limiter.js';
import { rateLimitHeadModel, rateLimitTicketModel } from './model.js';

// Each limiter stands for one server process: its own views and queue; two connections.
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
const ticketNumbers = async (key: string) =>
  (await rateLimitTicketModel(first).find({ key }, { n: 1 }).lean()).map((ticket) => ticket.n).sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Moves the clock on to just after ticket `n` of `key` left the window (instead of waiting). */
async function passWindowOf(key: string, n: number) {
  const ticket = await rateLimitTicketModel(first).findById(`${key}#${n}`).lean();
  offset = ticket!.at + WINDOW + 1 - Date.now();
}

describe('rate limiter', () => {
  it('admits exactly max of a burst raced by three processes, each with an exact Remaining', async () => {
    const max = 7;
    const limiters = [limiterOn(first, max), limiterOn(second, max), limiterOn(first, max)];
    const key = newKey();
    const burst = () => Promise.all(range(0, 44).map((i) => limiters[i % 3]!.hit(key)));
    const remainingOf = (decisions: RateLimitDecision[]) => decisions.filter((d) => d.allowed).map((d) => d.remaining).sort((a, b) => a - b);

    expect(remainingOf(await burst())).toEqual(range(0, max - 1));
    expect(await ticketNumbers(key)).toEqual(range(1, max));

    await passWindowOf(key, max); // the whole burst has left the window
    expect(remainingOf(await burst())).toEqual(range(0, max - 1));
    expect(await ticketNumbers(key)).toEqual(range(1, 2 * max)); // numbering carried on, no gap
  });

  it('counts in Remaining only the tickets still inside the window, whoever took them', async () => {
    const a = limiterOn(first, 10);
    const b = limiterOn(second, 10);
    const key = newKey();
    const aSecondLater = () => (offset += 1_000);
    for (let i = 0; i < 3; i++) {
      await a.hit(key);
      aSecondLater();
    }
    expect((await b.hit(key)).remaining).toBe(6);
    await passWindowOf(key, 2); // tickets 1 and 2 leave the window
    expect((await a.hit(key)).remaining).toBe(7); // 3, 4, 5 inside
    expect((await b.hit(key)).remaining).toBe(6); // 3…6 inside
  });

  it('sweeps a key’s tickets up to its stored head (seen on two runs), and numbers on from the head', async () => {
    const key = newKey();
    const longAgo = clock() - 3 * WINDOW;
    await rateLimitTicketModel(first).insertMany(
      range(1, 5).map((n) => ({ _id: `${key}#${n}`, key, n, at: longAgo + n, expiresAt: new Date(longAgo + n + WINDOW) })),
    );
    await rateLimitHeadModel(first).create({ _id: key, n: 4 });

    const sweeper = limiterOn(first, 3);
    await sweeper.sweep();
    expect(await ticketNumbers(key)).toEqual(range(1, 5)); // the first run only notes the head
    await sweeper.sweep();
    expect(await ticketNumbers(key)).toEqual([4, 5]);

    const decision = await limiterOn(second, 3).hit(key); // a process that never saw the key
    expect(decision).toMatchObject({ allowed: true, remaining: 2 });
    expect(await ticketNumbers(key)).toEqual([4, 5, 6]);
  });

  it('continues a key used before heads were stored from its newest ticket', async () => {
    const key = newKey();
    const now = clock();
    await rateLimitTicketModel(first).insertMany(
      range(1, 3).map((n) => ({ _id: `${key}#${n}`, key, n, at: now - 1_000 + n, expiresAt: new Date(now + WINDOW) })),
    );
    expect(await limiterOn(first, 5).hit(key)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await ticketNumbers(key)).toEqual([1, 2, 3, 4]);
    expect((await rateLimitHeadModel(first).findById(key).lean())?.n).toBe(4);
  });

  it('reads and writes tickets by _id only, a few commands a request', async () => {
    const key = newKey();
    await limiterOn(first, 3).hit(key); // stores the head
    const commands: { collection: string; method: string; filter: Record<string, unknown> }[] = [];
    second.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      if (collection.startsWith('ratelimit')) commands.push({ collection, method, filter: args[0] as Record<string, unknown> });
    });
    try {
      const fresh = limiterOn(second, 3); // a process that has not seen the key yet
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await fresh.hit(key));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false, false]);
    } finally {
      second.set('debug', false);
    }
    expect(commands.length).toBeGreaterThan(0);
    for (const { filter } of commands) expect(typeof filter._id).toBe('string');
    expect(commands.length).toBeLessThanOrEqual(4 * 3);
  });
});
