import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { messageModel } from '../conversations/model.js';
import { createBot, createConversation, createWorkspace, startTestApp, type TestApp, type WorkspaceFixture } from '../testing/index.js';

/**
 * Every endpoint that takes an id answers another workspace's id exactly as an unknown
 * one: 404, never 403, and nothing changes on the other side.
 */
let testApp: TestApp;
let intruder: WorkspaceFixture;
let victim: WorkspaceFixture & { botId: string; conversationId: string; memberKeyId: string };

beforeAll(async () => {
  testApp = await startTestApp();
  intruder = await createWorkspace(testApp, 'Intruder');
  const owner = await createWorkspace(testApp, 'Victim');
  const bot = await createBot(testApp, owner.workspaceId);
  const conversation = await createConversation(testApp, owner.workspaceId, bot.id);
  const member = await testApp.request('/api/v1/auth/keys', {
    method: 'POST',
    headers: { ...owner.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Victim member' }),
  });
  victim = { ...owner, botId: bot.id, conversationId: conversation.id, memberKeyId: ((await member.json()) as { id: string }).id };
});
afterAll(() => testApp.close());

type Case = [label: string, method: string, path: () => string, body: (() => unknown) | null];
const cases: Case[] = [
  ['GET /bots/:id', 'GET', () => `/bots/${victim.botId}`, null],
  ['GET /conversations/:id', 'GET', () => `/conversations/${victim.conversationId}`, null],
  ['POST /actions/send-message', 'POST', () => '/actions/send-message', () => ({ conversationId: victim.conversationId, message: 'hi' })],
  ['POST /actions/resolve-conversation', 'POST', () => '/actions/resolve-conversation', () => ({ conversationId: victim.conversationId })],
  ['POST /auth/keys/:keyId/reveal', 'POST', () => `/auth/keys/${victim.memberKeyId}/reveal`, null],
  ['DELETE /auth/keys/:keyId', 'DELETE', () => `/auth/keys/${victim.memberKeyId}`, null],
];

describe('another workspace\'s ids', () => {
  it.each(cases)('%s answers 404 like an unknown id', async (_label, method, path, body) => {
    const payload = body?.();
    const response = await testApp.request(`/api/v1${path()}`, {
      method,
      headers: { ...intruder.auth, ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    expect(response.status).toBe(404);
    const error = ((await response.json()) as { error: { code: string; message: string } }).error;
    expect(error.message).not.toContain(victim.workspaceId);
  });

  it('GET /conversations?botId= of another workspace lists nothing', async () => {
    const response = await testApp.request(`/api/v1/conversations?botId=${victim.botId}`, { headers: intruder.auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ conversations: [], nextCursor: null });
  });

  it('lists never include another workspace\'s resources', async () => {
    for (const [path, field] of [['/bots', 'bots'], ['/conversations', 'conversations'], ['/auth/keys', 'keys']] as const) {
      const response = await testApp.request(`/api/v1${path}`, { headers: intruder.auth });
      const items = ((await response.json()) as Record<string, { id: string }[]>)[field] ?? [];
      expect(response.status).toBe(200);
      for (const id of [victim.botId, victim.conversationId, victim.memberKeyId, victim.apiKeyId]) expect(items.map((item) => item.id)).not.toContain(id);
    }
  });

  it('left the victim\'s resources untouched', async () => {
    const conversation = await testApp.request(`/api/v1/conversations/${victim.conversationId}`, { headers: victim.auth });
    expect(await conversation.json()).toMatchObject({ status: 'open', messages: [] });
    expect(await messageModel(testApp.connection).countDocuments({ conversationId: victim.conversationId })).toBe(0);
    const keys = (await (await testApp.request('/api/v1/auth/keys', { headers: victim.auth })).json()) as { keys: { id: string; revokedAt: string | null }[] };
    expect(keys.keys.find((key) => key.id === victim.memberKeyId)?.revokedAt).toBeNull();
    const reveal = await testApp.request(`/api/v1/auth/keys/${victim.memberKeyId}/reveal`, { method: 'POST', headers: victim.auth });
    expect(reveal.status).toBe(200); // the intruder's attempt did not use up the one reveal
  });
});
