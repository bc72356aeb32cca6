import { describe, expect, it } from '@jest/globals';
import { api, appTester, buildBundle, caught, operation, useNock } from './testing/harness.js';

useNock();

/*
 * One test per row of the README's error table, through Send Message as a Zap builder meets it.
 * The thrown error's class decides what Zapier does: HaltedError stops the step and keeps the Zap
 * on, ExpiredAuthError asks to reconnect, ThrottledError retries after its delay, z.errors.Error
 * (AppError) is a failure Zapier may replay.
 */

const sendMessage = operation('creates', 'send_message');
const CONVERSATION_ID = 'cnv_684adf1c5e9b2a41d07c3e15';
const send = () => appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, message: 'Hi' } }));
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => api().post('/api/v1/actions/send-message').reply(status, body as object, headers);
const apiError = (code: string, message: string, details?: unknown) => ({ error: { code, message, ...(details ? { details } : {}) } });

describe('error table: problems in the Zap\'s own data halt the step', () => {
  it('400: the server\'s sentence', async () => {
    answer(400, apiError('malformed_json', 'The request body is not valid JSON.'));
    const error = await caught(send);
    expect(error).toEqual({ name: 'HaltedError', message: 'NebulaHex could not accept this step (HTTP 400): The request body is not valid JSON. Check the values in this step, then try again.' });
  });

  it('403: what the key\'s role does not allow, and how to reconnect', async () => {
    answer(403, apiError('admin_key_required', 'Only admin API keys can manage API keys.'));
    const error = await caught(send);
    expect(error.name).toBe('HaltedError');
    expect(error.message).toMatch(/^The NebulaHex API key connected to this Zap is not allowed to do this: Only admin API keys can manage API keys\. Reconnect .* \(an admin key\)/);
  });

  it('404: names what is missing', async () => {
    answer(404, apiError('conversation_not_found', 'Conversation was not found.'));
    const error = await caught(send);
    expect(error.name).toBe('HaltedError');
    expect(error.message).toContain(`could not find the conversation "${CONVERSATION_ID}"`);
  });

  it('409 conversation_resolved: says the conversation is resolved', async () => {
    answer(409, apiError('conversation_resolved', 'The conversation is resolved: messages can no longer be sent to it.'));
    const error = await caught(send);
    expect(error).toEqual({ name: 'HaltedError', message: expect.stringMatching(new RegExp(`^The conversation "${CONVERSATION_ID}" is resolved, so NebulaHex can no longer send messages to it\\.`)) });
  });

  it('409 of another kind: the server\'s sentence', async () => {
    answer(409, apiError('event_id_conflict', 'An event with this id was already ingested.'));
    const error = await caught(send);
    expect(error).toEqual({ name: 'HaltedError', message: 'NebulaHex refused this step because of the current state of your data: An event with this id was already ingested.' });
  });

  it('413: the data is too large', async () => {
    answer(413, apiError('payload_too_large', 'The request body is over 1 MB.'));
    expect(await caught(send)).toEqual({ name: 'HaltedError', message: expect.stringMatching(/too large \(over 1 MB\)/) });
  });

  it('422: the rejected fields under their form labels', async () => {
    answer(422, apiError('validation_failed', 'The request is not valid.', [{ field: 'message', message: 'must not be empty' }]));
    expect(await caught(send)).toEqual({ name: 'HaltedError', message: 'NebulaHex did not accept this step. Please fix these fields — Message: must not be empty' });
  });

  it('422 idempotency_key_reused: the Deduplication Key was used for other values', async () => {
    answer(422, apiError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body.'));
    expect(await caught(send)).toEqual({ name: 'HaltedError', message: expect.stringContaining('its Deduplication Key was already used for different values') });
  });

  it('another 4xx (410): the status and the server\'s sentence', async () => {
    answer(410, apiError('gone', 'This key can no longer be revealed.'));
    expect(await caught(send)).toEqual({ name: 'HaltedError', message: expect.stringContaining('(HTTP 410): This key can no longer be revealed.') });
  });
});

describe('error table: authentication', () => {
  it.each(['access_token_expired', 'invalid_access_token', 'access_token_revoked'])('401 %s: RefreshAuthError, so Zapier refreshes the token', async (code) => {
    answer(401, apiError(code, 'The access token has expired.'));
    expect((await caught(send)).name).toBe('RefreshAuthError');
  });
});

describe('error table: transient faults are retried', () => {
  it('429: throttled with the server\'s Retry-After', async () => {
    answer(429, apiError('rate_limited', 'Too many requests.'), { 'Retry-After': '17' });
    expect(await caught(send)).toEqual({ name: 'ThrottledError', message: expect.stringMatching(/too many requests.*retry this step in 17 seconds/), delay: 17 });
  });

  it('429 without Retry-After: throttled for 60 seconds', async () => {
    answer(429, apiError('rate_limited', 'Too many requests.'));
    expect(await caught(send)).toMatchObject({ name: 'ThrottledError', delay: 60 });
  });

  it('503: throttled with the server\'s Retry-After', async () => {
    answer(503, 'Service Unavailable', { 'Retry-After': '120', 'Content-Type': 'text/plain' });
    expect(await caught(send)).toEqual({ name: 'ThrottledError', message: expect.stringMatching(/briefly unavailable.*in 120 seconds/), delay: 120 });
  });

  it('503 without Retry-After: throttled for 30 seconds', async () => {
    answer(503, apiError('unavailable', 'Try again.'));
    expect(await caught(send)).toMatchObject({ name: 'ThrottledError', delay: 30 });
  });

  it('409 idempotency_request_in_progress: throttled briefly, not halted', async () => {
    answer(409, apiError('idempotency_request_in_progress', 'A request with this Idempotency-Key is still running.'), { 'Retry-After': '2' });
    expect(await caught(send)).toMatchObject({ name: 'ThrottledError', delay: 2, message: expect.stringContaining('still running this step from an earlier try') });
  });

  it('409 idempotency_request_in_progress without Retry-After: throttled for 5 seconds', async () => {
    answer(409, apiError('idempotency_request_in_progress', 'A request with this Idempotency-Key is still running.'));
    expect(await caught(send)).toMatchObject({ name: 'ThrottledError', delay: 5 });
  });

  it.each([500, 502, 504])('%i: a retryable error naming the request id', async (status) => {
    answer(status, apiError('internal', 'Something went wrong.'), { 'X-Request-Id': 'req_0b7c' });
    const error = await caught(send);
    expect(error).toMatchObject({ name: 'AppError', code: 'server_error', status });
    expect(error.message).toBe(
      `NebulaHex had a problem answering this step (HTTP ${status}). It is usually temporary: Zapier can replay the step. ` +
        'If it keeps happening, contact NebulaHex support with request id req_0b7c.',
    );
  });

  it('2xx that is not JSON: a clear error, not a TypeError', async () => {
    answer(200, '<html>Maintenance</html>', { 'Content-Type': 'text/html', 'X-Request-Id': 'req_html' });
    const error = await caught(send);
    expect(error).toMatchObject({ name: 'AppError', code: 'unreadable_response', status: 200 });
    expect(error.message).toMatch(/something other than JSON \(HTTP 200\).*request id req_html/);
  });
});
