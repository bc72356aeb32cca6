import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot, createConversation, createWorkspace, startTestApp, type TestApp } from '../testing/index.js';
import { applyEventToConversation } from './events.js';
import { conversationModel, messageModel } from './model.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

async function conversation() {
  const { workspaceId } = await createWorkspace(testApp);
  const bot = await createBot(testApp, workspaceId);
  const created = await createConversation(testApp, workspaceId, bot.id);
  return { workspaceId, botId: bot.id, conversationId: created.id, sessionId: created.sessionId };
}
const load = (id: string) => conversationModel(testApp.connection).findById(id).lean();

describe('applyEventToConversation', () => {
  it('lead.captured stores the lead', async () => {
    const c = await conversation();
    const capturedAt = '2026-01-02T03:04:05.000Z';
    const result = await applyEventToConversation(testApp.connection, {
      workspaceId: c.workspaceId,
      type: 'lead.captured',
      data: { conversationId: c.conversationId, botId: c.botId, leadId: 'lead_abc', sessionId: c.sessionId, capturedFields: { email: 'Grace@Example.com', name: 'Grace', phone: '+44 20 7946 0000' }, capturedAt },
    });
    expect(result).toEqual({ applied: true });
    expect((await load(c.conversationId))?.lead).toEqual({ leadId: 'lead_abc', email: 'grace@example.com', name: 'Grace', phone: '+44 20 7946 0000', capturedAt: new Date(capturedAt), apiKeyId: null });
  });

  it('conversation.escalation marks the conversation escalated with its reason', async () => {
    const c = await conversation();
    await applyEventToConversation(testApp.connection, {
      workspaceId: c.workspaceId,
      type: 'conversation.escalation',
      data: { conversationId: c.conversationId, botId: c.botId, sessionId: c.sessionId, reason: 'Customer asked for a human', transcript: [], escalatedAt: new Date().toISOString() },
    });
    expect(await load(c.conversationId)).toMatchObject({ status: 'escalated', escalationReason: 'Customer asked for a human' });
  });

  it('message.sent stores the message once, however often the event arrives', async () => {
    const c = await conversation();
    const event = {
      workspaceId: c.workspaceId,
      type: 'message.sent',
      data: { conversationId: c.conversationId, botId: c.botId, sessionId: c.sessionId, messageId: 'msg_0000000000000000000000aa', channel: 'web', confidenceScore: 0.9, wasFallback: false, sentAt: new Date().toISOString() },
    };
    expect(await applyEventToConversation(testApp.connection, event)).toEqual({ applied: true });
    await applyEventToConversation(testApp.connection, event);
    const messages = await messageModel(testApp.connection).find({ conversationId: c.conversationId }).lean();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ _id: 'msg_0000000000000000000000aa', sender: 'bot', apiKeyId: null, workspaceId: c.workspaceId });
  });

  it('never touches another workspace\'s conversation', async () => {
    const c = await conversation();
    const other = await createWorkspace(testApp);
    const result = await applyEventToConversation(testApp.connection, {
      workspaceId: other.workspaceId,
      type: 'conversation.escalation',
      data: { conversationId: c.conversationId, botId: c.botId, reason: 'hijack' },
    });
    expect(result).toEqual({ applied: false });
    expect((await load(c.conversationId))?.status).toBe('open');
  });

  it('ignores types that change no conversation', async () => {
    const c = await conversation();
    const result = await applyEventToConversation(testApp.connection, { workspaceId: c.workspaceId, type: 'order.lookup', data: { conversationId: c.conversationId } });
    expect(result).toEqual({ applied: false });
  });
});
