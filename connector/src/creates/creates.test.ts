import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { API_KEY, API_ORIGIN, api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const sendMessage = operation('creates', 'send_message');
const resolveConversation = operation('creates', 'resolve_conversation');
const CONVERSATION_ID = 'cnv_684adf1c5e9b2a41d07c3e15';

describe('send_message', () => {
  it('sends the message to the chosen conversation as the connector, and answers the text and a link', async () => {
    const answer = { messageId: 'msg_684ae1a75e9b2a41d07c3e52', conversationId: CONVERSATION_ID, sentAt: '2025-06-12T14:05:11.000Z' };
    nock(API_ORIGIN, { reqheaders: { authorization: `Bearer ${API_KEY}`, 'user-agent': /^NebulaHex-Zapier\/\d+\.\d+\.\d+ Zapier$/, 'idempotency-key': /^zapier-send_message-[0-9a-f]{48}$/ } })
      .post('/api/v1/actions/send-message', { conversationId: CONVERSATION_ID, message: 'Your replacement ships today.' })
      .reply(201, answer);
    const result = await appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Your replacement ships today.' } }));
    expect(result).toEqual({
      id: answer.messageId, ...answer, text: 'Your replacement ships today.',
      conversationUrl: `${API_ORIGIN}/app/conversations/${CONVERSATION_ID}`, isRepeat: false,
    });
  });

  it('says when the API answered a repeat with the first run\'s result', async () => {
    const answer = { messageId: 'msg_684ae1a75e9b2a41d07c3e52', conversationId: CONVERSATION_ID, sentAt: '2025-06-12T14:05:11.000Z' };
    api().post('/api/v1/actions/send-message').reply(201, answer, { 'Idempotent-Replayed': 'true' });
    const result = await appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } }));
    expect(result).toMatchObject({ id: answer.messageId, isRepeat: true });
  });

  it('names the conversation that does not exist', async () => {
    api().post('/api/v1/actions/send-message').reply(404, { error: { code: 'not_found', message: 'Conversation was not found.' } });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: 'cnv_gone', message: 'Hello' } })));
    expect(error.name).toBe('HaltedError');
    expect(error.message).toContain('could not find the conversation "cnv_gone"');
    expect(error.message).toContain('Pick the conversation again from the list');
  });

  it('names the form fields the API rejected', async () => {
    const details = [{ field: 'message', message: 'must not be empty' }];
    api().post('/api/v1/actions/send-message').reply(422, { error: { code: 'validation_failed', message: 'The request is not valid.', details } });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: ' ' } })));
    expect(error).toEqual({ name: 'HaltedError', message: 'NebulaHex did not accept this step. Please fix these fields — Message: must not be empty' });
  });

  it('hands the server delay to Zapier when rate limited', async () => {
    api().post('/api/v1/actions/send-message').reply(429, { error: { code: 'rate_limited', message: 'Too many requests.' } }, { 'Retry-After': '17' });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } })));
    expect(error.name).toBe('ThrottledError');
    expect(error.delay).toBe(17);
    expect(error.message).toMatch(/retry this step in 17 seconds/);
  });

  it('asks to reconnect when the key was revoked', async () => {
    api().post('/api/v1/actions/send-message').reply(401, { error: { code: 'unauthorized', message: 'Revoked.' } });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } })));
    expect(error.name).toBe('RefreshAuthError'); // Zapier refreshes the token (autoRefresh)
  });

  it('hands a 503 to Zapier as throttled, with the server delay', async () => {
    api().post('/api/v1/actions/send-message').reply(503, { error: { code: 'unavailable', message: 'Try again.' } }, { 'Retry-After': '9' });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } })));
    expect(error).toMatchObject({ name: 'ThrottledError', delay: 9 });
  });
});

describe('resolve_conversation', () => {
  it('resolves the chosen conversation', async () => {
    const answer = { conversationId: CONVERSATION_ID, status: 'resolved', resolvedAt: '2025-06-12T14:20:45.000Z' };
    nock(API_ORIGIN, { reqheaders: { 'idempotency-key': /^zapier-resolve_conversation-[0-9a-f]{48}$/ } })
      .post('/api/v1/actions/resolve-conversation', { conversationId: CONVERSATION_ID })
      .reply(200, answer);
    const result = await appTester(resolveConversation.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID } }));
    expect(result).toEqual({ id: CONVERSATION_ID, ...answer, conversationUrl: `${API_ORIGIN}/app/conversations/${CONVERSATION_ID}`, isRepeat: false });
  });

  it('names the conversation that does not exist', async () => {
    api().post('/api/v1/actions/resolve-conversation').reply(404, { error: { code: 'not_found', message: 'Conversation was not found.' } });
    const error = await caught(() => appTester(resolveConversation.perform!, buildBundle({ inputData: { conversationId: 'cnv_gone' } })));
    expect(error.message).toContain('the conversation "cnv_gone"');
  });

  it('labels a rejected conversation id with the form label', async () => {
    const details = [{ field: 'conversationId', message: 'must be an id starting with "cnv_"' }];
    api().post('/api/v1/actions/resolve-conversation').reply(422, { error: { code: 'validation_failed', message: 'Invalid.', details } });
    const error = await caught(() => appTester(resolveConversation.perform!, buildBundle({ inputData: { conversationId: 'Maria' } })));
    expect(error.message).toContain('Conversation: must be an id starting with "cnv_"');
  });

  it('falls back to a 60 second delay when Retry-After is missing', async () => {
    api().post('/api/v1/actions/resolve-conversation').reply(429, { error: { code: 'rate_limited', message: 'Too many requests.' } });
    const error = await caught(() => appTester(resolveConversation.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID } })));
    expect(error).toMatchObject({ name: 'ThrottledError', delay: 60 });
  });
});
