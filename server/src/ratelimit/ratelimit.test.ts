import { afterEach, describe, expect, it } from '@jest/globals';
import { createWorkspace, startTestApp, waitFor, type TestApp } from '../testing/index.js';
import { rateLimitBucketModel } from './model.js';

const apps: TestApp[] = [];
afterEach(async () => {
  // The second instance shares the first one's database: close it first.
  for (const app of apps.splice(0).reverse()) await app.close();
});

async function start(options: Parameters<typeof startTestApp>[0] = {}) {
  const app = await startTestApp({ ...options, config: { RATE_LIMIT_MAX: 3, RATE_LIMIT_WINDOW_SECONDS: 60, ...options.config } });
  apps.push(app);
  return app;
}

const header = (response: Response, name: string) => Number(response.headers.get(name));

/** The database commands the app sends from now on, as `<command> <collection>`. */
function countCommands(app: TestApp): string[] {
  const commands: string[] = [];
  app.connection.getClient().on('commandStarted', (event) => commands.push(`${event.commandName} ${String(event.command[event.commandName])}`));
  return commands;
}

describe('rate limit', () => {
  it('counts down in RateLimit-* headers, then answers 429 with Retry-After', async () => {
    const app = await start();
    const { auth } = await createWorkspace(app);
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await app.request('/api/v1/bots', { headers: auth });
      expect(response.status).toBe(200);
      expect(header(response, 'RateLimit-Limit')).toBe(3);
      expect(header(response, 'RateLimit-Reset')).toBeGreaterThanOrEqual(1);
      remaining.push(header(response, 'RateLimit-Remaining'));
    }
    expect(remaining).toEqual([2, 1, 0]);
    const limited = await app.request('/api/v1/bots', { headers: auth });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    const retryAfter = header(limited, 'Retry-After');
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(61); // the window, counted from the end of the request's block (250 ms on)
    expect(header(limited, 'RateLimit-Remaining')).toBe(0);
  });

  it('counts each key on its own', async () => {
    const app = await start({ config: { RATE_LIMIT_MAX: 1 } });
    const first = await createWorkspace(app);
    const second = await createWorkspace(app);
    expect((await app.request('/api/v1/bots', { headers: first.auth })).status).toBe(200);
    expect((await app.request('/api/v1/bots', { headers: first.auth })).status).toBe(429);
    expect((await app.request('/api/v1/bots', { headers: second.auth })).status).toBe(200);
  });

  it('admits requests again once the oldest one has left the sliding window', async () => {
    const first = await start({ config: { RATE_LIMIT_MAX: 2 } });
    const { auth, apiKeyId } = await createWorkspace(first);
    for (let i = 0; i < 2; i++) expect((await first.request('/api/v1/bots', { headers: auth })).status).toBe(200);
    expect((await first.request('/api/v1/bots', { headers: auth })).status).toBe(429);
    // Age the oldest request past the window instead of waiting a minute.
    const Buckets = rateLimitBucketModel(first.connection);
    const bucket = await Buckets.findById(apiKeyId).lean();
    expect(bucket?.times).toHaveLength(2); // refused requests leave no trace
    await Buckets.updateOne({ _id: apiKeyId }, { $set: { 'times.1': Date.now() - 61_000 } }); // newest first: the oldest is last
    // A process that has not refused the key yet reads the bucket and admits (the first one remembers its refusal).
    const second = await start({ config: { RATE_LIMIT_MAX: 2 }, databaseUri: first.databaseUri });
    const admitted = await second.request('/api/v1/bots', { headers: auth });
    expect(admitted.status).toBe(200);
    expect(header(admitted, 'RateLimit-Remaining')).toBe(0);
    expect((await second.request('/api/v1/bots', { headers: auth })).status).toBe(429);
    expect((await first.request('/api/v1/bots', { headers: auth })).status).toBe(429);
  });

  it('is shared by two app instances on one database', async () => {
    const first = await start({ config: { RATE_LIMIT_MAX: 4 } });
    const second = await start({ config: { RATE_LIMIT_MAX: 4 }, databaseUri: first.databaseUri });
    const { auth } = await createWorkspace(first);
    const statuses: number[] = [];
    for (const app of [first, second, first, second, first, second]) {
      statuses.push((await app.request('/api/v1/auth/me', { headers: auth })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('lets a second instance count the first one\'s requests in Remaining', async () => {
    const first = await start({ config: { RATE_LIMIT_MAX: 5 } });
    const { auth } = await createWorkspace(first);
    const remaining: number[] = [];
    for (let i = 0; i < 2; i++) remaining.push(header(await first.request('/api/v1/bots', { headers: auth }), 'RateLimit-Remaining'));
    const second = await start({ config: { RATE_LIMIT_MAX: 5 }, databaseUri: first.databaseUri });
    for (const app of [second, first, second]) remaining.push(header(await app.request('/api/v1/bots', { headers: auth }), 'RateLimit-Remaining'));
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect((await second.request('/api/v1/bots', { headers: auth })).status).toBe(429);
  });

  it('admits exactly the limit from concurrent bursts', async () => {
    const app = await start({ config: { RATE_LIMIT_MAX: 5 } });
    for (let round = 0; round < 3; round++) {
      const { auth } = await createWorkspace(app);
      const statuses = await Promise.all(Array.from({ length: 8 }, () => app.request('/api/v1/bots', { headers: auth }).then((r) => r.status)));
      expect(statuses.sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    }
  });

  it('admits exactly the limit from concurrent bursts across two instances', async () => {
    const first = await start({ config: { RATE_LIMIT_MAX: 5 } });
    const second = await start({ config: { RATE_LIMIT_MAX: 5 }, databaseUri: first.databaseUri });
    const { auth } = await createWorkspace(first);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second).request('/api/v1/bots', { headers: auth }).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
  });

  it('serves a hot key\'s GET /bots with one database command per request: the page\'s own query', async () => {
    // The bot list's own cache off: every request asks for its page, and the limiter's commands come on top.
    const app = await start({ config: { RATE_LIMIT_MAX: 1_000, BOT_LIST_CACHE_MS: 0 } });
    const { auth } = await createWorkspace(app);
    expect((await app.request('/api/v1/bots', { headers: auth })).status).toBe(200); // the key read, its lastUsedAt stamped
    const commands = countCommands(app);
    const loops = 10; // ten clients at once, as the benchmark's connections
    const perLoop = 50;
    const remaining: number[] = [];
    await Promise.all(Array.from({ length: loops }, async () => {
      for (let i = 0; i < perLoop; i++) {
        const response = await app.request('/api/v1/bots', { headers: auth });
        expect(response.status).toBe(200);
        remaining.push(header(response, 'RateLimit-Remaining'));
      }
    }));
    const requests = loops * perLoop;
    expect(commands.filter((command) => command === 'find bots')).toHaveLength(requests);
    const limiter = commands.filter((command) => command.endsWith('ratelimitbuckets'));
    expect(limiter.length).toBeLessThanOrEqual(requests / 10); // blocks of up to 125 permits (an eighth of the limit)
    expect(commands.length).toBeLessThanOrEqual(requests * 1.1); // the rest: the key read again once a second
    expect(new Set(remaining).size).toBe(requests); // no two requests were told the same Remaining
    expect(Math.max(...remaining)).toBeLessThan(1_000);
  });

  it('remembers a refusal: requests over the limit cost the limiter no database command until a slot frees', async () => {
    const app = await start({ config: { RATE_LIMIT_MAX: 2 } });
    const { auth } = await createWorkspace(app);
    for (let i = 0; i < 2; i++) expect((await app.request('/api/v1/bots', { headers: auth })).status).toBe(200);
    const commands = countCommands(app);
    expect((await app.request('/api/v1/bots', { headers: auth })).status).toBe(429);
    expect(commands.filter((command) => command.endsWith('ratelimitbuckets'))).toEqual(['findAndModify ratelimitbuckets', 'find ratelimitbuckets']);
    commands.length = 0;
    for (let i = 0; i < 10; i++) {
      const refused = await app.request('/api/v1/bots', { headers: auth });
      expect(refused.status).toBe(429);
      expect(header(refused, 'Retry-After')).toBeGreaterThanOrEqual(1);
      expect(header(refused, 'Retry-After')).toBeLessThanOrEqual(61);
    }
    expect(commands.filter((command) => command.endsWith('ratelimitbuckets'))).toEqual([]);
  });

  it('puts no RateLimit headers on unauthenticated answers and does not count them', async () => {
    const app = await start({ config: { RATE_LIMIT_MAX: 1 } });
    const { auth } = await createWorkspace(app);
    const unauthenticated = await app.request('/api/v1/bots');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('RateLimit-Limit')).toBeNull();
    expect((await app.request('/api/v1/bots', { headers: auth })).status).toBe(200);
  });

  it('sweeps the buckets of keys idle for a window', async () => {
    const app = await start();
    const Buckets = rateLimitBucketModel(app.connection);
    const longAgo = Date.now() - 180_000;
    await Buckets.create({ _id: 'key_stale', times: [longAgo], expiresAt: new Date(longAgo + 60_000) });
    const { auth } = await createWorkspace(app);
    await app.request('/api/v1/bots', { headers: auth });
    await waitFor(async () => (await Buckets.findById('key_stale').lean()) === null, { message: 'the stale bucket to be swept' });
  });
});
