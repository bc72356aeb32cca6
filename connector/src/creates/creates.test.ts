import { describe, expect, it } from '@jest/globals';
import { api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const sendMessage = operation('creates', 'send_message');
const resolveConversation = operation('creates', 'resolve_conversation');
const CONVERSATION_ID = 'cnv_684adf1c5e9b2a41d07c3e15';

describe('send_message', () => {
  it('sends the message to the chosen conversation', async () => {
    const answer = { messageId: 'msg_684ae1a75e9b2a41d07c3e52', conversationId: CONVERSATION_ID, sentAt: '2025-06-12T14:05:11.000Z' };
    api().post('/api/v1/actions/send-message', { conversationId: CONVERSATION_ID, message: 'Your replacement ships today.' }).reply(201, answer);
    const result = await appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Your replacement ships today.' } }));
    expect(result).toEqual({ id: answer.messageId, ...answer });
  });

  it('names the conversation that does not exist', async () => {
    api().post('/api/v1/actions/send-message').reply(404, { error: { code: 'not_found', message: 'Conversation was not found.' } });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: 'cnv_gone', message: 'Hello' } })));
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
    expect(error.message).toContain('could not find the conversation "cnv_gone"');
    expect(error.message).toContain('Pick the conversation again from the list');
  });

  it('names the form fields the API rejected', async () => {
    const details = [{ field: 'message', message: 'must not be empty' }];
    api().post('/api/v1/actions/send-message').reply(422, { error: { code: 'validation_failed', message: 'The request is not valid.', details } });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: ' ' } })));
    expect(error).toMatchObject({ code: 'invalid_input', status: 422 });
    expect(error.message).toBe('NebulaHex did not accept this step. Please fix these fields — Message: must not be empty');
  });

  it('hands the server delay to Zapier when rate limited', async () => {
    api().post('/api/v1/actions/send-message').reply(429, { error: { code: 'rate_limited', message: 'Too many requests.' } }, { 'Retry-After': '17' });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } })));
    expect(error.name).toBe('ThrottledError');
    expect(error.delay).toBe(17);
    expect(error.message).toMatch(/retry in 17 seconds/);
  });

  it('asks to reconnect when the key was revoked', async () => {
    api().post('/api/v1/actions/send-message').reply(401, { error: { code: 'unauthorized', message: 'Revoked.' } });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } })));
    expect(error.name).toBe('ExpiredAuthError');
  });

  it('leaves a server error to Zapier', async () => {
    api().post('/api/v1/actions/send-message').reply(503, { error: { code: 'unavailable', message: 'Try again.' } });
    const error = await caught(() => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } })));
    expect(error).toMatchObject({ name: 'ResponseError', status: 503 });
  });
});

describe('resolve_conversation', () => {
  it('resolves the chosen conversation', async () => {
    const answer = { conversationId: CONVERSATION_ID, status: 'resolved', resolvedAt: '2025-06-12T14:20:45.000Z' };
    api().post('/api/v1/actions/resolve-conversation', { conversationId: CONVERSATION_ID }).reply(200, answer);
    const result = await appTester(resolveConversation.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID } }));
    expect(result).toEqual({ id: CONVERSATION_ID, ...answer });
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
