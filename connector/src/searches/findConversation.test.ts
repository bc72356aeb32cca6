import { describe, expect, it } from '@jest/globals';
import { SAMPLE_CONVERSATION, toConversationRecord } from '../conversation.js';
import { api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const findConversation = operation('searches', 'find_conversation');
const search = (inputData: Record<string, string>) => appTester(findConversation.perform!, buildBundle({ inputData }));

describe('find_conversation', () => {
  it('finds a conversation by id', async () => {
    api().get(`/api/v1/conversations/${SAMPLE_CONVERSATION.id}`).reply(200, { ...SAMPLE_CONVERSATION, messages: [] });
    expect(await search({ conversationId: SAMPLE_CONVERSATION.id })).toEqual([toConversationRecord(SAMPLE_CONVERSATION)]);
  });

  it('answers an empty list for an unknown id', async () => {
    api().get('/api/v1/conversations/cnv_unknown').reply(404, { error: { code: 'not_found', message: 'Conversation was not found.' } });
    expect(await search({ conversationId: 'cnv_unknown' })).toEqual([]);
  });

  it('still asks to reconnect on a revoked key when searching by id', async () => {
    api().get('/api/v1/conversations/cnv_x').reply(401, { error: { code: 'unauthorized', message: 'Revoked.' } });
    const error = await caught(() => search({ conversationId: 'cnv_x' }));
    expect(error.name).toBe('ExpiredAuthError');
  });

  it('leaves a server error on a search by id to Zapier', async () => {
    api().get('/api/v1/conversations/cnv_x').reply(500, { error: { code: 'internal', message: 'Oops.' } });
    const error = await caught(() => search({ conversationId: 'cnv_x' }));
    expect(error).toMatchObject({ name: 'ResponseError', status: 500 });
  });

  it('finds conversations by lead email', async () => {
    api().get('/api/v1/conversations').query({ leadEmail: 'maria.keller@example.com', limit: '10' }).reply(200, { conversations: [SAMPLE_CONVERSATION], nextCursor: null });
    expect(await search({ leadEmail: ' maria.keller@example.com ' })).toEqual([toConversationRecord(SAMPLE_CONVERSATION)]);
  });

  it('answers an empty list when no conversation has that lead email', async () => {
    api().get('/api/v1/conversations').query({ leadEmail: 'nobody@example.com', limit: '10' }).reply(200, { conversations: [], nextCursor: null });
    expect(await search({ leadEmail: 'nobody@example.com' })).toEqual([]);
  });

  it('labels an email the API rejects', async () => {
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
