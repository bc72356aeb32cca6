import { describe, expect, it } from '@jest/globals';
import { sampleWebhookBody, type WebhookBody } from '@nebulahex/shared';
import { toRecord } from '../records.js';
import { api, appTester, buildBundle, operation, useNock } from '../testing/harness.js';
import { BOT_ID, buildEvent, buildSubscription, deliveredRequest } from '../testing/webhooks.js';

useNock();

describe('New Message: who sent it', () => {
  const messages = operation('triggers', 'message_sent');
  const messageEvent = (id: string, sender: Record<string, unknown>) =>
    buildEvent({ ...sampleWebhookBody('message.sent'), id, test: false, data: { ...sampleWebhookBody('message.sent').data, sender } });
  const fromBot = messageEvent('evt_684ae3c15e9b2a41d07c3e81', { type: 'bot', apiKeyId: null, viaZapier: false });
  const fromAgent = messageEvent('evt_684ae3c15e9b2a41d07c3e82', { type: 'agent', apiKeyId: null, viaZapier: false });
  const fromApi = messageEvent('evt_684ae3c15e9b2a41d07c3e83', { type: 'api', apiKeyId: 'key_1', viaZapier: false });
  const fromZap = messageEvent('evt_684ae3c15e9b2a41d07c3e84', { type: 'api', apiKeyId: 'key_1', viaZapier: true });
  const delivered = async (event: WebhookBody, inputData: Record<string, unknown> = {}) => {
    const subscription = buildSubscription({ event: 'message.sent' });
    return appTester(messages.perform!, buildBundle({ inputData, subscribeData: subscription, rawRequest: deliveredRequest(event, subscription.signingSecret) }));
  };

  it('fires for the bot\'s and the team\'s messages, but not for messages sent through the API or a Zap, by default', async () => {
    expect(await delivered(fromBot)).toEqual([toRecord(fromBot)]);
    expect(await delivered(fromAgent)).toEqual([toRecord(fromAgent)]);
    expect(await delivered(fromApi)).toEqual([]);
    expect(await delivered(fromZap)).toEqual([]);
  });

  it('fires for every message when the Zap builder includes API and Zapier messages', async () => {
    expect(await delivered(fromZap, { includeApiMessages: 'true' })).toEqual([toRecord(fromZap)]);
    expect(await delivered(fromApi, { includeApiMessages: true })).toEqual([toRecord(fromApi)]);
    expect(await delivered(fromZap, { includeApiMessages: 'false' })).toEqual([]);
  });

  it('offers the option as a Yes/No field that defaults to No, and labels who sent a message', () => {
    expect(messages.inputFields).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'includeApiMessages', type: 'boolean', default: 'false' })]));
    const outputs = messages.outputFields as unknown as Array<{ key: string; label: string; type: string }>;
    expect(outputs).toEqual(expect.arrayContaining([
      { key: 'sender__type', label: 'Sender Type', type: 'string' },
      { key: 'sender__viaZapier', label: 'Sent Through Zapier', type: 'boolean' },
      { key: 'text', label: 'Message Text', type: 'string' },
      { key: 'sentAt', label: 'Sent At', type: 'datetime' },
      { key: 'timestamp', label: 'Event Time', type: 'datetime' },
    ]));
  });

  it('leaves Zap-sent messages out of the editor\'s test records too', async () => {
    api().get('/api/v1/events').query({ type: 'message.sent', limit: '3' }).reply(200, { events: [fromZap, fromBot] });
    expect(await appTester(messages.performList!, buildBundle())).toEqual([toRecord(fromBot)]);
  });
});

describe('polling twins of the instant triggers', () => {
  it('poll the latest events of their type, newest first, with the same records and filters', async () => {
    const twin = operation('triggers', 'message_sent_polling');
    const fromBot = buildEvent({ ...sampleWebhookBody('message.sent'), id: 'evt_684ae3c15e9b2a41d07c3e91', test: false });
    const fromZap = buildEvent({ ...fromBot, id: 'evt_684ae3c15e9b2a41d07c3e92', data: { ...fromBot.data, sender: { type: 'api', apiKeyId: 'key_1', viaZapier: true } } });
    api().get('/api/v1/events').query({ type: 'message.sent', botId: BOT_ID, limit: '100' }).reply(200, { events: [fromZap, fromBot] });
    expect(await appTester(twin.perform!, buildBundle({ inputData: { botId: BOT_ID } }))).toEqual([toRecord(fromBot)]);
  });

  it('exist for every instant trigger, and return nothing (not a sample) when there are no events', async () => {
    const twin = operation('triggers', 'lead_captured_polling');
    api().get('/api/v1/events').query({ type: 'lead.captured', limit: '100' }).reply(200, { events: [] });
    expect(await appTester(twin.perform!, buildBundle())).toEqual([]);
    for (const key of ['lead_captured', 'conversation_escalation', 'conversation_fallback', 'message_sent', 'order_lookup']) {
      expect(operation('triggers', `${key}_polling`).type).toBe('polling');
    }
  });
});
