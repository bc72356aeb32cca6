import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot, createWorkspace, startTestApp, type TestApp } from '../testing/index.js';

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
