import { describe, expect, it } from '@jest/globals';
import { SAMPLE_CONVERSATION } from '../conversation.js';
import { API_ORIGIN, App, api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const findLead = operation('searches', 'find_lead');
const search = (email: string) => appTester(findLead.perform!, buildBundle({ inputData: { email } }));

describe('find_lead', () => {
  it('finds the leads with that email, newest first, in the shape Capture Lead answers', async () => {
    const anonymous = { ...SAMPLE_CONVERSATION, id: 'cnv_684adf1c5e9b2a41d07c3e99', lead: null };
    api().get('/api/v1/conversations').query({ leadEmail: 'maria.keller@example.com', limit: '10' }).reply(200, { conversations: [SAMPLE_CONVERSATION, anonymous], nextCursor: null });
    const found = await search(' maria.keller@example.com ');
    expect(found).toEqual([{
      id: 'lead_684ae0125e9b2a41d07c3e40', leadId: 'lead_684ae0125e9b2a41d07c3e40', conversationId: SAMPLE_CONVERSATION.id,
      botId: SAMPLE_CONVERSATION.botId, email: 'maria.keller@example.com', name: 'Maria Keller', firstName: 'Maria', lastName: 'Keller',
      phone: '+49 30 901820', capturedAt: '2025-06-12T14:01:12.000Z', conversationUrl: `${API_ORIGIN}/app/conversations/${SAMPLE_CONVERSATION.id}`,
    }]);
    const captureKeys = Object.keys(operation('creates', 'capture_lead').sample as unknown as object).filter((key) => key !== 'isRepeat').sort();
    expect(Object.keys((found as object[])[0] ?? {}).sort()).toEqual(captureKeys);
  });

  it('answers an empty list when nobody left that email', async () => {
    api().get('/api/v1/conversations').query({ leadEmail: 'nobody@example.com', limit: '10' }).reply(200, { conversations: [], nextCursor: null });
    expect(await search('nobody@example.com')).toEqual([]);
  });

  it('names the field of an email the API rejects', async () => {
    api().get('/api/v1/conversations').query(true).reply(422, { error: { code: 'validation_failed', message: 'Invalid.', details: [{ field: 'leadEmail', message: 'must be an email address' }] } });
    expect(await caught(() => search('maria'))).toEqual({ name: 'HaltedError', message: expect.stringContaining('Email: must be an email address') });
  });

  it('pairs with Capture Lead as "Find or Capture Lead"', () => {
    expect(App.searchOrCreates?.find_lead).toMatchObject({ key: 'find_lead', search: 'find_lead', create: 'capture_lead', display: { label: 'Find or Capture Lead' } });
  });
});
