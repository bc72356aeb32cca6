import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot, createConversation, createWorkspace, startTestApp, type TestApp } from '../testing/index.js';
import { applyEventToConversation } from './events.js';
import { conversationModel } from './model.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const get = async (path: string, headers: Record<string, string>) => {
  const response = await testApp.request(`/api/v1${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const ids = (body: Record<string, any>) => body.conversations.map((conversation: { id: string }) => conversation.id);

async function workspaceWithConversations() {
  const workspace = await createWorkspace(testApp);
  const sales = await createBot(testApp, workspace.workspaceId, { name: 'Sales' });
  const support = await createBot(testApp, workspace.workspaceId, { name: 'Support' });
  const a = await createConversation(testApp, workspace.workspaceId, sales.id);
  const b = await createConversation(testApp, workspace.workspaceId, support.id, { channel: 'whatsapp' });
  const c = await createConversation(testApp, workspace.workspaceId, support.id);
  return { ...workspace, sales, support, a, b, c };
}

describe('GET /conversations', () => {
  it('lists the workspace\'s conversations newest first, page by page', async () => {
    const w = await workspaceWithConversations();
    await workspaceWithConversations(); // another workspace's conversations stay out
    const first = await get('/conversations?limit=2', w.auth);
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual([w.c.id, w.b.id]);
    const second = await get(`/conversations?limit=2&cursor=${first.body.nextCursor}`, w.auth);
    expect(ids(second.body)).toEqual([w.a.id]);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.conversations[0]).toEqual({
      id: w.a.id, botId: w.sales.id, sessionId: w.a.sessionId, channel: 'web', status: 'open', lead: null,
      escalationReason: null, resolvedAt: null, createdAt: expect.any(String), updatedAt: expect.any(String),
    });
  });

  it('filters by bot, status, lead email and last update', async () => {
    const w = await workspaceWithConversations();
    await applyEventToConversation(testApp.connection, {
      workspaceId: w.workspaceId, type: 'lead.captured',
      data: { conversationId: w.b.id, botId: w.support.id, leadId: 'lead_1', capturedFields: { email: 'Ada@Example.com', name: 'Ada', phone: null } },
    });
    await applyEventToConversation(testApp.connection, { workspaceId: w.workspaceId, type: 'conversation.escalation', data: { conversationId: w.a.id, botId: w.sales.id, reason: 'asked for a human' } });
    expect(ids((await get(`/conversations?botId=${w.support.id}`, w.auth)).body)).toEqual([w.c.id, w.b.id]);
    expect(ids((await get('/conversations?status=escalated', w.auth)).body)).toEqual([w.a.id]);
    expect(ids((await get('/conversations?status=resolved', w.auth)).body)).toEqual([]);
    expect(ids((await get('/conversations?status=open,escalated', w.auth)).body)).toEqual([w.c.id, w.b.id, w.a.id]);
    expect(ids((await get('/conversations?status=escalated,resolved', w.auth)).body)).toEqual([w.a.id]);
    expect(ids((await get('/conversations?leadEmail=ada%40example.com', w.auth)).body)).toEqual([w.b.id]);
    await conversationModel(testApp.connection).updateOne({ _id: w.c.id }, { $set: { updatedAt: new Date('2020-01-01T00:00:00Z') } }, { timestamps: false });
    const since = encodeURIComponent('2024-01-01T00:00:00Z');
    expect(ids((await get(`/conversations?updatedSince=${since}`, w.auth)).body)).toEqual([w.b.id, w.a.id]);
  });

  it('lists resolved conversations by their latest resolution first, page by page (sort=-resolvedAt)', async () => {
    const w = await workspaceWithConversations();
    const resolveAt = (id: string, iso: string) =>
      conversationModel(testApp.connection).updateOne({ _id: id }, { $set: { status: 'resolved', resolvedAt: new Date(iso) } }, { timestamps: false });
    // Created a, b, c; resolved c first, then a, then b: creation order would hide b's fresh resolution.
    await resolveAt(w.c.id, '2026-03-01T10:00:00.000Z');
    await resolveAt(w.a.id, '2026-03-01T11:00:00.000Z');
    await resolveAt(w.b.id, '2026-03-01T12:00:00.000Z');
    const first = await get('/conversations?sort=-resolvedAt&limit=2', w.auth);
    expect(ids(first.body)).toEqual([w.b.id, w.a.id]);
    const second = await get(`/conversations?sort=-resolvedAt&limit=2&cursor=${first.body.nextCursor}`, w.auth);
    expect(ids(second.body)).toEqual([w.c.id]);
    expect(second.body.nextCursor).toBeNull();
    expect(ids((await get(`/conversations?sort=-resolvedAt&botId=${w.support.id}`, w.auth)).body)).toEqual([w.b.id, w.c.id]);
    expect((await get('/conversations?sort=-resolvedAt&cursor=cnv_123', w.auth)).status).toBe(422);
  });

  it.each([
    ['sort=name', 'sort'],
    ['status=closed', 'status'],
    ['status=open,closed', 'status'],
    ['leadEmail=not-an-email', 'leadEmail'],
    ['updatedSince=yesterday', 'updatedSince'],
    ['botId=cnv_123', 'botId'],
    ['botId[$ne]=x', 'botId'],
    ['botId=bot_1&botId=bot_2', 'botId'],
  ])('answers 422 for ?%s', async (query, field) => {
    const { auth } = await createWorkspace(testApp);
    const response = await get(`/conversations?${query}`, auth);
    if (query.startsWith('botId[')) {
      // Koa does not parse brackets into objects: the odd parameter is ignored, never an operator.
      expect(response.status).toBe(200);
      return;
    }
    expect(response.status).toBe(422);
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
  });
});

describe('GET /conversations/:id', () => {
  it('answers the conversation with its latest messages, oldest first', async () => {
    const w = await workspaceWithConversations();
    for (const text of ['first', 'second']) {
      const sent = await testApp.request('/api/v1/actions/send-message', {
        method: 'POST', headers: { ...w.auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ conversationId: w.a.id, message: text }),
      });
      expect(sent.status).toBe(201);
    }
    const response = await get(`/conversations/${w.a.id}`, w.auth);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: w.a.id, botId: w.sales.id, status: 'open' });
    expect(response.body.messages.map((message: { text: string; sender: string }) => [message.sender, message.text])).toEqual([['team', 'first'], ['team', 'second']]);
  });

  it('answers 404 for an unknown conversation', async () => {
    const { auth } = await createWorkspace(testApp);
    const response = await get('/conversations/cnv_000000000000000000000000', auth);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('conversation_not_found');
  });
});
