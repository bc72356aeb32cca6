import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot, createWorkspace, startTestApp, waitFor, type TestApp } from '../testing/index.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const get = async (path: string, headers: Record<string, string>) => {
  const response = await testApp.request(`/api/v1${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe('GET /bots', () => {
  it('lists the workspace\'s bots newest first, page by page', async () => {
    const { workspaceId, auth } = await createWorkspace(testApp);
    const created = [];
    for (const name of ['One', 'Two', 'Three']) created.push(await createBot(testApp, workspaceId, { name }));
    await createBot(testApp, (await createWorkspace(testApp)).workspaceId, { name: 'Not mine' });

    const first = await get('/bots?limit=2', auth);
    expect(first.status).toBe(200);
    expect(first.body.bots.map((bot: { name: string }) => bot.name)).toEqual(['Three', 'Two']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`/bots?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, auth);
    expect(second.body).toEqual({ bots: [created[0]], nextCursor: null });
  });

  it.each([['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=abc', 'limit'], ['cursor=', 'cursor']])('answers 422 for ?%s', async (query, field) => {
    const { auth } = await createWorkspace(testApp);
    const response = await get(`/bots?${query}`, auth);
    expect(response.status).toBe(422);
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
  });
});

describe('GET /bots/:id', () => {
  it('answers the bot', async () => {
    const { workspaceId, auth } = await createWorkspace(testApp);
    const bot = await createBot(testApp, workspaceId, { name: 'Support', isActive: false });
    expect(await get(`/bots/${bot.id}`, auth)).toEqual({ status: 200, body: { id: bot.id, name: 'Support', isActive: false, createdAt: bot.createdAt } });
  });

  it('answers 404 for an unknown bot', async () => {
    const { auth } = await createWorkspace(testApp);
    const response = await get('/bots/bot_000000000000000000000000', auth);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('bot_not_found');
  });
});

describe('GET /bots from the bot-list cache', () => {
  // Two processes of one deployment on one database, each trusting a page it read for BOUND_MS.
  const BOUND_MS = 1_500;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp({ config: { BOT_LIST_CACHE_MS: BOUND_MS } });
    second = await startTestApp({ config: { BOT_LIST_CACHE_MS: BOUND_MS }, databaseUri: first.databaseUri });
  });
  afterAll(async () => {
    await second.close(); // it shares the first one's database: closed first
    await first.close();
  });

  const namesThrough = async (app: TestApp, auth: Record<string, string>, query = '') => {
    const response = await app.request(`/api/v1/bots${query}`, { headers: auth });
    expect(response.status).toBe(200);
    return ((await response.json()) as { bots: Array<{ name: string }> }).bots.map((bot) => bot.name);
  };
  const botQueries = (app: TestApp) => {
    const finds: unknown[] = [];
    app.connection.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command.find === 'bots') finds.push(event.command.filter);
    });
    return finds;
  };

  it('answers a burst of lists of one page with one query, and each page and workspace with its own', async () => {
    const { workspaceId, auth } = await createWorkspace(first);
    const other = await createWorkspace(first);
    await createBot(first, workspaceId, { name: 'Mine' });
    await createBot(first, other.workspaceId, { name: 'Theirs' });
    const finds = botQueries(first);
    const lists = await Promise.all(Array.from({ length: 50 }, () => namesThrough(first, auth)));
    expect(new Set(lists.map((names) => names.join()))).toEqual(new Set(['Mine']));
    expect(finds).toHaveLength(1);
    expect(await namesThrough(first, other.auth)).toEqual(['Theirs']); // never another workspace's page
    expect(await namesThrough(first, auth, '?limit=1')).toEqual(['Mine']); // another page: its own query
    expect(finds).toHaveLength(3);
  });

  it('lists a bot created through the same process at once', async () => {
    const { workspaceId, auth } = await createWorkspace(first);
    await createBot(first, workspaceId, { name: 'Old' });
    expect(await namesThrough(first, auth)).toEqual(['Old']);
    expect(await namesThrough(first, auth, '?limit=1')).toEqual(['Old']);
    await createBot(first, workspaceId, { name: 'New' });
    expect(await namesThrough(first, auth)).toEqual(['New', 'Old']); // every cached page of the workspace forgotten
    expect(await namesThrough(first, auth, '?limit=1')).toEqual(['New']);
  });

  it('lists a bot created through another process within the bound, counted from the read it served', async () => {
    const { workspaceId, auth } = await createWorkspace(first);
    await createBot(first, workspaceId, { name: 'Old' });
    const readAt = Date.now();
    expect(await namesThrough(second, auth)).toEqual(['Old']); // the second process reads and keeps the page
    await createBot(first, workspaceId, { name: 'New' });
    // Served from the second's memory: the new bot is not there yet (the bound is far longer than these steps).
    expect(await namesThrough(second, auth)).toEqual(['Old']);
    expect(Date.now() - readAt).toBeLessThan(BOUND_MS);
    await waitFor(async () => (await namesThrough(second, auth)).includes('New'), { timeoutMs: 5_000, message: 'the second process to list the new bot' });
    expect(Date.now() - readAt).toBeLessThan(BOUND_MS + 500); // within the bound (and a poll or two)
    expect(await namesThrough(second, auth)).toEqual(['New', 'Old']);
  });
});
