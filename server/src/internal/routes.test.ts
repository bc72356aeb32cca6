import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot, createWorkspace, startTestApp, type TestApp } from '../testing/index.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const post = (path: string, body: unknown, token: string | null = testApp.config.INTERNAL_API_TOKEN) =>
  testApp.request(`/internal/v1${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });

describe('internal API authentication', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'not-the-internal-token-at-all-0123456789'],
    ['an API key', 'nhx_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('answers 401 for %s', async (_label, token) => {
    const response = await post('/workspaces', { name: 'Acme' }, token);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_internal_token');
  });
});

describe('POST /internal/v1/workspaces', () => {
  it('creates a workspace with a working admin key', async () => {
    const response = await post('/workspaces', { name: 'Acme Support' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { workspace: { id: string; name: string }; apiKey: { id: string; key: string; prefix: string; role: string; name: string } };
    expect(body.workspace).toEqual({ id: expect.stringMatching(/^ws_[0-9a-f]{24}$/), name: 'Acme Support' });
    expect(body.apiKey).toEqual({ id: expect.stringMatching(/^key_/), name: 'Admin key', prefix: body.apiKey.key.slice(0, 13), role: 'admin', key: expect.stringMatching(/^nhx_sk_[A-Za-z0-9]{32,}$/) });
    const me = await testApp.request('/api/v1/auth/me', { headers: { Authorization: `Bearer ${body.apiKey.key}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { workspace: unknown }).workspace).toEqual(body.workspace);
  });

  it.each([[{}], [{ name: '' }], [{ name: { $gt: '' } }], [{ name: 'x', extra: 1 }]])('answers 422 for %j', async (body) => {
    const response = await post('/workspaces', body);
    expect(response.status).toBe(422);
  });
});

describe('POST /internal/v1/workspaces/:id/bots and /conversations', () => {
  it('creates a bot and a conversation', async () => {
    const { workspaceId } = await createWorkspace(testApp);
    const botResponse = await post(`/workspaces/${workspaceId}/bots`, { name: 'Sales bot', isActive: false });
    expect(botResponse.status).toBe(201);
    const bot = (await botResponse.json()) as { id: string };
    expect(bot).toEqual({ id: expect.stringMatching(/^bot_/), name: 'Sales bot', isActive: false, createdAt: expect.any(String) });
    const conversationResponse = await post(`/workspaces/${workspaceId}/conversations`, { botId: bot.id, sessionId: 'ses-1', channel: 'whatsapp' });
    expect(conversationResponse.status).toBe(201);
    expect(await conversationResponse.json()).toMatchObject({ id: expect.stringMatching(/^cnv_/), botId: bot.id, sessionId: 'ses-1', channel: 'whatsapp', status: 'open', lead: null });
  });

  it('defaults the session and channel', async () => {
    const { workspaceId } = await createWorkspace(testApp);
    const bot = await createBot(testApp, workspaceId);
    const response = await post(`/workspaces/${workspaceId}/conversations`, { botId: bot.id });
    expect(await response.json()).toMatchObject({ sessionId: expect.stringMatching(/^ses_/), channel: 'web' });
  });

  it('answers 404 for an unknown workspace, and for a bot of another workspace', async () => {
    const mine = await createWorkspace(testApp);
    const other = await createWorkspace(testApp);
    const otherBot = await createBot(testApp, other.workspaceId);
    expect((await post('/workspaces/ws_000000000000000000000000/bots', { name: 'x' })).status).toBe(404);
    expect((await post('/workspaces/ws_000000000000000000000000/conversations', { botId: otherBot.id })).status).toBe(404);
    const crossed = await post(`/workspaces/${mine.workspaceId}/conversations`, { botId: otherBot.id });
    expect(crossed.status).toBe(404);
    expect(((await crossed.json()) as { error: { code: string } }).error.code).toBe('bot_not_found');
  });

  it('answers 422 naming the field', async () => {
    const { workspaceId } = await createWorkspace(testApp);
    const response = await post(`/workspaces/${workspaceId}/conversations`, { botId: { $ne: null } });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual(['botId']);
  });
});
