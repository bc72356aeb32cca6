import { describe, expect, it } from '@jest/globals';
import type { ConversationOut } from '@nebulahex/shared';
import { SAMPLE_CONVERSATION } from '../conversation.js';
import { API_ORIGIN, api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const newConversation = operation('triggers', 'new_conversation');
const conversationResolved = operation('triggers', 'conversation_resolved');
const BOT_ID = SAMPLE_CONVERSATION.botId;

function buildConversation(overrides: Partial<ConversationOut> = {}): ConversationOut {
  return { ...SAMPLE_CONVERSATION, status: 'open', ...overrides };
}

const bots = () =>
  api().get('/api/v1/bots').query({ limit: '100' }).reply(200, { bots: [{ id: BOT_ID, name: 'Website Assistant', isActive: true, createdAt: '2025-06-11T09:12:00.000Z' }], nextCursor: null });

describe('New Conversation (polling)', () => {
  it('polls the newest conversations of the chosen bot, each with its bot name, link and lead name split', async () => {
    const newest = buildConversation({ id: 'cnv_684adf1c5e9b2a41d07c3e16' });
    bots();
    api().get('/api/v1/conversations').query({ botId: BOT_ID, limit: '100' }).reply(200, { conversations: [newest, buildConversation()], nextCursor: 'cnv_x' });
    const records = (await appTester(newConversation.perform!, buildBundle({ inputData: { botId: BOT_ID } }))) as Array<Record<string, unknown>>;
    expect(records.map((record) => record.id)).toEqual([newest.id, SAMPLE_CONVERSATION.id]);
    expect(records[0]).toMatchObject({
      botName: 'Website Assistant', lead__firstName: 'Maria', lead__lastName: 'Keller', status: 'open',
      conversationUrl: `${API_ORIGIN}/app/conversations/${newest.id}`,
    });
  });

  it('names the chosen bot when it no longer exists', async () => {
    bots();
    api().get('/api/v1/conversations').query(true).reply(404, { error: { code: 'bot_not_found', message: 'Bot was not found.' } });
    const error = await caught(() => appTester(newConversation.perform!, buildBundle({ inputData: { botId: 'bot_gone' } })));
    expect(error).toEqual({ name: 'HaltedError', message: expect.stringContaining('the bot "bot_gone"') });
  });
});

describe('Conversation Resolved (polling)', () => {
  it('polls by latest resolution, with an id per resolution so a reopened and resolved again conversation triggers again', async () => {
    const first = buildConversation({ status: 'resolved', resolvedAt: '2025-06-12T14:20:45.000Z' });
    const again = { ...first, resolvedAt: '2025-06-13T09:00:00.000Z' };
    bots();
    api().get('/api/v1/conversations').query({ sort: '-resolvedAt', limit: '100' }).reply(200, { conversations: [first], nextCursor: null });
    const [seen] = (await appTester(conversationResolved.perform!, buildBundle())) as Array<Record<string, unknown>>;
    expect(seen).toMatchObject({ id: `${first.id}:2025-06-12T14:20:45.000Z`, conversationId: first.id, status: 'resolved', botName: 'Website Assistant' });

    bots();
    api().get('/api/v1/conversations').query({ sort: '-resolvedAt', limit: '100' }).reply(200, { conversations: [again], nextCursor: null });
    const [seenAgain] = (await appTester(conversationResolved.perform!, buildBundle())) as Array<Record<string, unknown>>;
    expect(seenAgain?.id).toBe(`${first.id}:2025-06-13T09:00:00.000Z`);
    expect(seenAgain?.id).not.toBe(seen?.id);
  });
});
