import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot, createConversation, createWorkspace, startTestApp, type TestApp } from '../testing/index.js';
import { applyEventToConversation } from './events.js';
import { conversationModel } from './model.js';
import { setOnConversation } from './write.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

async function conversation() {
  const { workspaceId, auth } = await createWorkspace(testApp);
  const bot = await createBot(testApp, workspaceId);
  const created = await createConversation(testApp, workspaceId, bot.id);
  return { workspaceId, auth, botId: bot.id, conversationId: created.id, sessionId: created.sessionId };
}

describe('setOnConversation', () => {
  it('keeps both of two concurrent writes of different fields', async () => {
    for (let round = 0; round < 5; round++) {
      const c = await conversation();
      const ref = { conversationId: c.conversationId, workspaceId: c.workspaceId };
      await Promise.all([
        setOnConversation(testApp.connection, ref, { escalationReason: `reason ${round}` }),
        setOnConversation(testApp.connection, ref, { channel: 'whatsapp' }),
      ]);
      expect(await conversationModel(testApp.connection).findById(c.conversationId).lean()).toMatchObject({ escalationReason: `reason ${round}`, channel: 'whatsapp' });
    }
  });

  it('answers false for another workspace\'s conversation, or when the precondition fails', async () => {
    const c = await conversation();
    const other = await createWorkspace(testApp);
    expect(await setOnConversation(testApp.connection, { conversationId: c.conversationId, workspaceId: other.workspaceId }, { channel: 'x' })).toBe(false);
    expect(await setOnConversation(testApp.connection, { conversationId: c.conversationId, workspaceId: c.workspaceId }, { channel: 'x' }, { status: 'resolved' })).toBe(false);
  });

  it('keeps a resolution that races messages reported by the bot engine', async () => {
    const c = await conversation();
    const message = (i: number) =>
      applyEventToConversation(testApp.connection, {
        workspaceId: c.workspaceId,
        type: 'message.sent',
        data: { conversationId: c.conversationId, botId: c.botId, sessionId: c.sessionId, messageId: `msg_race${i}`, channel: 'web', confidenceScore: 0.8, wasFallback: false, sentAt: new Date().toISOString() },
      });
    const resolve = testApp.request('/api/v1/actions/resolve-conversation', {
      method: 'POST',
      headers: { ...c.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversationId: c.conversationId }),
    });
    const [answer] = await Promise.all([resolve, message(1), message(2), message(3)]);
    expect(answer.status).toBe(200);
    expect((await conversationModel(testApp.connection).findById(c.conversationId).lean())?.status).toBe('resolved');
  });
});
