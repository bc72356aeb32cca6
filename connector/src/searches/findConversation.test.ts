import { describe, expect, it } from '@jest/globals';
import { SAMPLE_BOT_NAMES, SAMPLE_CONVERSATION, toConversationRecord } from '../conversation.js';
import { api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const findConversation = operation('searches', 'find_conversation');
const search = (inputData: Record<string, string>) => appTester(findConversation.perform!, buildBundle({ inputData }));
/** The search names each conversation's bot: one request for the workspace's bots. */
const bots = () =>
  api().get('/api/v1/bots').query({ limit: '100' }).reply(200, { bots: [{ id: SAMPLE_CONVERSATION.botId, name: 'Website Assistant', isActive: true, createdAt: '2025-06-11T09:12:00.000Z' }], nextCursor: null });

describe('find_conversation', () => {
  it('finds a conversation by id, with its bot name, link and the lead name split', async () => {
    bots();
    api().get(`/api/v1/conversations/${SAMPLE_CONVERSATION.id}`).reply(200, { ...SAMPLE_CONVERSATION, messages: [] });
    const found = await search({ conversationId: SAMPLE_CONVERSATION.id });
    expect(found).toEqual([toConversationRecord(SAMPLE_CONVERSATION, SAMPLE_BOT_NAMES)]);
    expect(found).toEqual([expect.objectContaining({
      botName: 'Website Assistant', lead__firstName: 'Maria', lead__lastName: 'Keller',
      conversationUrl: `https://nebulahex.com/app/conversations/${SAMPLE_CONVERSATION.id}`,
    })]);
  });

  it('answers an empty list for an unknown id', async () => {
    bots();
    api().get('/api/v1/conversations/cnv_unknown').reply(404, { error: { code: 'not_found', message: 'Conversation was not found.' } });
    expect(await search({ conversationId: 'cnv_unknown' })).toEqual([]);
  });

  it('still asks to reconnect on a revoked key when searching by id', async () => {
    bots();
    api().get('/api/v1/conversations/cnv_x').reply(401, { error: { code: 'unauthorized', message: 'Revoked.' } });
    const error = await caught(() => search({ conversationId: 'cnv_x' }));
    expect(error.name).toBe('RefreshAuthError'); // Zapier refreshes the token (autoRefresh)
  });

  it('reports a server error on a search by id as a retryable error naming the request id', async () => {
    bots();
    api().get('/api/v1/conversations/cnv_x').reply(500, { error: { code: 'internal', message: 'Oops.' } }, { 'X-Request-Id': 'req_42' });
    const error = await caught(() => search({ conversationId: 'cnv_x' }));
    expect(error).toMatchObject({ name: 'AppError', code: 'server_error', status: 500 });
    expect(error.message).toContain('request id req_42');
  });

  it('finds conversations by lead email', async () => {
    bots();
    api().get('/api/v1/conversations').query({ leadEmail: 'maria.keller@example.com', limit: '10' }).reply(200, { conversations: [SAMPLE_CONVERSATION], nextCursor: null });
    expect(await search({ leadEmail: ' maria.keller@example.com ' })).toEqual([toConversationRecord(SAMPLE_CONVERSATION, SAMPLE_BOT_NAMES)]);
  });

  it('answers an empty list when no conversation has that lead email', async () => {
    bots();
    api().get('/api/v1/conversations').query({ leadEmail: 'nobody@example.com', limit: '10' }).reply(200, { conversations: [], nextCursor: null });
    expect(await search({ leadEmail: 'nobody@example.com' })).toEqual([]);
  });

  it('labels an email the API rejects', async () => {
    bots();
    const details = [{ field: 'leadEmail', message: 'must be an email address' }];
    api().get('/api/v1/conversations').query(true).reply(422, { error: { code: 'validation_failed', message: 'Invalid.', details } });
    const error = await caught(() => search({ leadEmail: 'not-an-email' }));
    expect(error.message).toContain('Lead Email: must be an email address');
  });

  it('asks for one of the two inputs', async () => {
    const error = await caught(() => search({}));
    expect(error.message).toMatch(/Fill in Conversation or Lead Email/);
  });
});
