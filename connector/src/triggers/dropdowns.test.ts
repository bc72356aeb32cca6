import { describe, expect, it } from '@jest/globals';
import type { BotOut, ConversationOut } from '@nebulahex/shared';
import { SAMPLE_CONVERSATION, toConversationRecord } from '../conversation.js';
import { fakeCursorStore } from '../testing/cursorStore.js';
import { api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const listBots = operation('triggers', 'listBots');
const listConversations = operation('triggers', 'listConversations');

function buildBot(overrides: Partial<BotOut> = {}): BotOut {
  return { id: 'bot_6849b3a05e9b2a41d07c1a02', name: 'Website Assistant', isActive: true, createdAt: '2025-06-11T09:12:00.000Z', ...overrides };
}

function buildConversation(overrides: Partial<ConversationOut> = {}): ConversationOut {
  return { ...SAMPLE_CONVERSATION, ...overrides };
}

const page = (number: number) => buildBundle({ meta: { page: number } as never });

describe('listBots', () => {
  it('pages through bots with the API cursor, one dropdown page at a time', async () => {
    fakeCursorStore();
    const first = buildBot();
    const second = buildBot({ id: 'bot_6849b3a05e9b2a41d07c1a03', name: 'Returns Helper', isActive: false });
    api().get('/api/v1/bots').query({ limit: '50' }).reply(200, { bots: [first], nextCursor: 'cur_page2' });
    api().get('/api/v1/bots').query({ limit: '50', cursor: 'cur_page2' }).reply(200, { bots: [second], nextCursor: null });

    expect(await appTester(listBots.perform!, page(0))).toEqual([first]);
    expect(await appTester(listBots.perform!, page(1))).toEqual([{ ...second, name: 'Returns Helper (inactive)' }]);
    // The list ended: no request at all for the next page.
    expect(await appTester(listBots.perform!, page(2))).toEqual([]);
  });

  it('asks to reconnect when the key was revoked', async () => {
    api().get('/api/v1/bots').query(true).reply(401, { error: { code: 'unauthorized', message: 'Revoked.' } });
    const error = await caught(() => appTester(listBots.perform!, page(0)));
    expect(error.name).toBe('RefreshAuthError'); // Zapier refreshes the token (autoRefresh)
  });
});

describe('listConversations', () => {
  it('lists conversations with a readable label', async () => {
    fakeCursorStore();
    const anonymous = buildConversation({ id: 'cnv_684adf1c5e9b2a41d07c3e16', lead: null, status: 'open' });
    api().get('/api/v1/conversations').query({ limit: '50', status: 'open,escalated' }).reply(200, { conversations: [buildConversation(), anonymous], nextCursor: null });
    const records = (await appTester(listConversations.perform!, page(0))) as Array<{ id: string; label: string }>;
    expect(records).toEqual([toConversationRecord(buildConversation()), toConversationRecord(anonymous)]);
    expect(records.map((record) => record.label)).toEqual([
      'Maria Keller · escalated · cnv_684adf1c5e9b2a41d07c3e15',
      'Anonymous visitor · open · cnv_684adf1c5e9b2a41d07c3e16',
    ]);
  });

  it('filters by the bot chosen on the same form', async () => {
    fakeCursorStore();
    api().get('/api/v1/conversations').query({ limit: '50', status: 'open,escalated', botId: 'bot_6849b3a05e9b2a41d07c1a02' }).reply(200, { conversations: [], nextCursor: null });
    const bundle = buildBundle({ meta: { page: 0 } as never, inputData: { botId: 'bot_6849b3a05e9b2a41d07c1a02' } });
    expect(await appTester(listConversations.perform!, bundle)).toEqual([]);
  });

  it('hands the server delay to Zapier when rate limited', async () => {
    api().get('/api/v1/conversations').query(true).reply(429, { error: { code: 'rate_limited', message: 'Slow down.' } }, { 'Retry-After': '5' });
    const error = await caught(() => appTester(listConversations.perform!, page(0)));
    expect(error).toMatchObject({ name: 'ThrottledError', delay: 5 });
  });
});
