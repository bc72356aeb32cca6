import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventModel } from '../events/model.js';
import { parseEventData } from '@nebulahex/shared';
import { conversationModel, messageModel } from '../conversations/model.js';
import { createBot, createConversation, createWorkspace, startTestApp, type TestApp } from '../testing/index.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const post = async (path: string, headers: Record<string, string>, body: unknown) => {
  const response = await testApp.request(`/api/v1${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

async function openConversation() {
  const workspace = await createWorkspace(testApp);
  const bot = await createBot(testApp, workspace.workspaceId);
  const conversation = await createConversation(testApp, workspace.workspaceId, bot.id, { channel: 'whatsapp' });
  return { ...workspace, bot, conversation };
}

describe('POST /actions/send-message', () => {
  it('stores the message as the team\'s, stamped with the key, and emits message.sent', async () => {
    const w = await openConversation();
    const sent = await post('/actions/send-message', w.auth, { conversationId: w.conversation.id, message: 'Hello from the team' });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ messageId: expect.stringMatching(/^msg_/), conversationId: w.conversation.id, sentAt: expect.any(String) });

    const stored = await messageModel(testApp.connection).findById(sent.body.messageId).lean();
    expect(stored).toMatchObject({ sender: 'team', text: 'Hello from the team', apiKeyId: w.apiKeyId, channel: 'whatsapp', workspaceId: w.workspaceId });

    const events = await eventModel(testApp.connection).find({ workspaceId: w.workspaceId, type: 'message.sent' }).lean();
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toEqual({
      conversationId: w.conversation.id, botId: w.bot.id, botName: w.bot.name, sessionId: w.conversation.sessionId, messageId: sent.body.messageId,
      text: 'Hello from the team', sender: { type: 'api', apiKeyId: w.apiKeyId, viaZapier: false },
      channel: 'whatsapp', confidenceScore: 1, wasFallback: false, sentAt: sent.body.sentAt,
    });

    const detail = await (await testApp.request(`/api/v1/conversations/${w.conversation.id}`, { headers: w.auth })).json() as Record<string, any>;
    expect(detail.updatedAt).toBe(sent.body.sentAt);
  });

  it('says the message came through Zapier when the Zapier connector sent it (its User-Agent)', async () => {
    const w = await openConversation();
    const sent = await post('/actions/send-message', { ...w.auth, 'User-Agent': 'NebulaHex-Zapier/2.0.0 Zapier' }, { conversationId: w.conversation.id, message: 'From a Zap' });
    const plain = await post('/actions/send-message', { ...w.auth, 'User-Agent': 'curl/8.5.0 (mentions NebulaHex-Zapier)' }, { conversationId: w.conversation.id, message: 'From curl' });
    const events = await eventModel(testApp.connection).find({ workspaceId: w.workspaceId, type: 'message.sent' }).lean();
    const senderOf = (messageId: string) => events.find((event) => event.data.messageId === messageId)?.data.sender;
    expect(senderOf(sent.body.messageId)).toEqual({ type: 'api', apiKeyId: w.apiKeyId, viaZapier: true });
    expect(senderOf(plain.body.messageId)).toEqual({ type: 'api', apiKeyId: w.apiKeyId, viaZapier: false });
  });

  it('refuses a resolved conversation with 409 conversation_resolved', async () => {
    const w = await openConversation();
    await post('/actions/resolve-conversation', w.auth, { conversationId: w.conversation.id });
    const sent = await post('/actions/send-message', w.auth, { conversationId: w.conversation.id, message: 'Too late' });
    expect(sent.status).toBe(409);
    expect(sent.body.error.code).toBe('conversation_resolved');
  });

  it.each([
    [{}, ['conversationId', 'message']],
    [{ conversationId: { $gt: '' }, message: 'hi' }, ['conversationId']],
    [{ conversationId: 'bot_123', message: 'hi' }, ['conversationId']],
    [{ conversationId: 'cnv_123', message: '   ' }, ['message']],
    [{ conversationId: 'cnv_123', message: 'x'.repeat(4001) }, ['message']],
    [{ conversationId: 'cnv_123', message: { $where: 'sleep(1000)' } }, ['message']],
  ])('answers 422 for %j', async (body, fields) => {
    const w = await openConversation();
    const sent = await post('/actions/send-message', w.auth, body);
    expect(sent.status).toBe(422);
    expect(sent.body.error.details.map((detail: { field: string }) => detail.field).sort()).toEqual(fields);
  });

  it('answers 404 for an unknown conversation', async () => {
    const w = await openConversation();
    expect((await post('/actions/send-message', w.auth, { conversationId: 'cnv_000000000000000000000000', message: 'hi' })).status).toBe(404);
  });
});

describe('POST /actions/resolve-conversation', () => {
  it('resolves, and answers the same resolution when repeated', async () => {
    const w = await openConversation();
    const first = await post('/actions/resolve-conversation', w.auth, { conversationId: w.conversation.id });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ conversationId: w.conversation.id, status: 'resolved', resolvedAt: expect.any(String) });
    const second = await post('/actions/resolve-conversation', w.auth, { conversationId: w.conversation.id });
    expect(second).toEqual(first);
    const detail = await (await testApp.request(`/api/v1/conversations/${w.conversation.id}`, { headers: w.auth })).json() as Record<string, any>;
    expect(detail).toMatchObject({ status: 'resolved', resolvedAt: first.body.resolvedAt });
  });

  it.each([[{}], [{ conversationId: { $ne: null } }], [{ conversationId: ['cnv_1'] }], [{ conversationId: 'cnv_1', force: true }]])('answers 422 for %j', async (body) => {
    const w = await openConversation();
    expect((await post('/actions/resolve-conversation', w.auth, body)).status).toBe(422);
  });

  it('answers 404 for an unknown conversation', async () => {
    const w = await openConversation();
    expect((await post('/actions/resolve-conversation', w.auth, { conversationId: 'cnv_000000000000000000000000' })).status).toBe(404);
  });
});

describe('POST /actions/capture-lead', () => {
  it('stores the lead on the conversation, stamped with the key, and emits lead.captured', async () => {
    const w = await openConversation();
    const captured = await post('/actions/capture-lead', w.auth, { conversationId: w.conversation.id, email: 'Ada@Example.com', name: 'Ada Lovelace' });
    expect(captured.status).toBe(201);
    expect(captured.body).toEqual({
      leadId: expect.stringMatching(/^lead_/), conversationId: w.conversation.id, botId: w.bot.id,
      capturedFields: { email: 'Ada@Example.com', name: 'Ada Lovelace', phone: null }, capturedAt: expect.any(String),
    });
    const stored = await conversationModel(testApp.connection).findById(w.conversation.id).lean();
    expect(stored?.lead).toMatchObject({ leadId: captured.body.leadId, email: 'ada@example.com', name: 'Ada Lovelace', phone: null, apiKeyId: w.apiKeyId });
    const events = await eventModel(testApp.connection).find({ workspaceId: w.workspaceId, type: 'lead.captured' }).lean();
    expect(events.map((event) => event.data)).toEqual([{
      conversationId: w.conversation.id, botId: w.bot.id, botName: w.bot.name, sessionId: w.conversation.sessionId, leadId: captured.body.leadId,
      capturedFields: { email: 'Ada@Example.com', name: 'Ada Lovelace', phone: null }, capturedAt: captured.body.capturedAt,
    }]);
    expect(parseEventData('lead.captured', events[0]?.data).success).toBe(true);
    const byEmail = await (await testApp.request('/api/v1/conversations?leadEmail=ada@example.com', { headers: w.auth })).json() as Record<string, any>;
    expect(byEmail.conversations.map((conversation: { id: string }) => conversation.id)).toEqual([w.conversation.id]);
  });

  it.each([
    [{ conversationId: 'cnv_123' }, ['email']],
    [{ conversationId: 'cnv_123', email: 'not-an-email' }, ['email']],
    [{ conversationId: 'cnv_123', phone: 'call me' }, ['phone']],
    [{ conversationId: 'cnv_123', name: 'Ada', company: 'Analytical Engines' }, ['company']],
    [{ email: 'ada@example.com' }, ['conversationId']],
  ])('answers 422 for %j', async (body, fields) => {
    const w = await openConversation();
    const captured = await post('/actions/capture-lead', w.auth, body);
    expect(captured.status).toBe(422);
    expect(captured.body.error.details.map((detail: { field: string }) => detail.field).sort()).toEqual(fields);
  });

  it("answers 404 for another workspace's conversation", async () => {
    const w = await openConversation();
    const other = await openConversation();
    const captured = await post('/actions/capture-lead', other.auth, { conversationId: w.conversation.id, name: 'Mallory' });
    expect(captured.status).toBe(404);
    expect((await conversationModel(testApp.connection).findById(w.conversation.id).lean())?.lead).toBeNull();
  });
});
