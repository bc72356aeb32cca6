import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { API_ORIGIN, api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const captureLead = operation('creates', 'capture_lead');
const CONVERSATION_ID = 'cnv_684adf1c5e9b2a41d07c3e15';
const capture = (inputData: Record<string, string>) => appTester(captureLead.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, ...inputData } }));

function buildCapturedLead(overrides: Record<string, unknown> = {}) {
  return {
    leadId: 'lead_684ae0125e9b2a41d07c3e40',
    conversationId: CONVERSATION_ID,
    botId: 'bot_6849b3a05e9b2a41d07c1a02',
    capturedFields: { email: 'ada@example.com', name: 'Ada King Lovelace', phone: null },
    capturedAt: '2025-06-12T14:01:12.000Z',
    ...overrides,
  };
}

describe('capture_lead', () => {
  it('captures the lead with an Idempotency-Key and answers it with the name split and a link', async () => {
    nock(API_ORIGIN, { reqheaders: { 'idempotency-key': /^zapier-capture_lead-[0-9a-f]{48}$/ } })
      .post('/api/v1/actions/capture-lead', { conversationId: CONVERSATION_ID, email: 'ada@example.com', name: 'Ada King Lovelace', phone: null })
      .reply(201, buildCapturedLead());
    const result = await capture({ email: ' ada@example.com ', name: 'Ada King Lovelace', phone: '' });
    expect(result).toEqual({
      id: 'lead_684ae0125e9b2a41d07c3e40', leadId: 'lead_684ae0125e9b2a41d07c3e40', conversationId: CONVERSATION_ID,
      botId: 'bot_6849b3a05e9b2a41d07c1a02', email: 'ada@example.com', name: 'Ada King Lovelace', phone: null,
      firstName: 'Ada', lastName: 'King Lovelace', capturedAt: '2025-06-12T14:01:12.000Z',
      conversationUrl: `${API_ORIGIN}/app/conversations/${CONVERSATION_ID}`, isRepeat: false,
    });
  });

  it('halts before calling the API when no contact field is filled', async () => {
    const error = await caught(() => capture({ email: ' ', name: '' }));
    expect(error).toEqual({ name: 'HaltedError', message: expect.stringMatching(/^Capture Lead needs at least one of Email, Name or Phone/) });
  });

  it('names a rejected field under its form label', async () => {
    const details = [{ field: 'phone', message: 'must be a phone number of 3 to 40 digits, spaces, +, -, ( or )' }];
    api().post('/api/v1/actions/capture-lead').reply(422, { error: { code: 'validation_failed', message: 'Invalid.', details } });
    const error = await caught(() => capture({ phone: 'call me' }));
    expect(error).toEqual({ name: 'HaltedError', message: expect.stringContaining('Phone: must be a phone number') });
  });

  it('names the conversation that does not exist', async () => {
    api().post('/api/v1/actions/capture-lead').reply(404, { error: { code: 'conversation_not_found', message: 'Conversation was not found.' } });
    const error = await caught(() => capture({ name: 'Ada' }));
    expect(error).toEqual({ name: 'HaltedError', message: expect.stringContaining(`the conversation "${CONVERSATION_ID}"`) });
  });
});
