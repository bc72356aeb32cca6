import { describe, expect, it } from '@jest/globals';
import { generateSigningSecret, sampleWebhookBody, signWebhook, type WebhookBody } from '@nebulahex/shared';
import { toRecord } from '../records.js';
import { api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const lead = operation('triggers', 'lead_captured');
const escalation = operation('triggers', 'conversation_escalation');
const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/1234/abcd/';
const BOT_ID = 'bot_6849b3a05e9b2a41d07c1a02';

function buildSubscription(overrides: Record<string, unknown> = {}) {
  return {
    id: 'hook_684ae2b05e9b2a41d07c3e60',
    hookId: 'hook_684ae2b05e9b2a41d07c3e60',
    event: 'lead.captured',
    targetUrl: TARGET_URL,
    botId: null,
    status: 'active',
    signingSecret: generateSigningSecret(),
    createdAt: '2025-06-12T14:00:00.000Z',
    ...overrides,
  };
}

function buildEvent(overrides: Partial<WebhookBody> = {}): WebhookBody {
  return { ...sampleWebhookBody('lead.captured'), id: 'evt_684ae3c15e9b2a41d07c3e71', test: false, workspaceId: 'ws_684ad9015e9b2a41d07c3d01', ...overrides };
}

/** The request Zapier hands to `perform`: headers as Zapier names them ("Http-" prefixed). */
function deliveredRequest(body: WebhookBody, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
  const content = JSON.stringify(body);
  const signed = signWebhook({ id: body.id, timestamp, body: content, secrets: [secret] });
  const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [`Http-${name}`, value]));
  return { method: 'POST' as const, headers: { ...headers, 'Content-Type': 'application/json' }, content, querystring: '' };
}

describe('instant trigger: subscribe and unsubscribe', () => {
  it('subscribes the Zap to its event type and keeps the answer, secret included, as subscribeData', async () => {
    const subscription = buildSubscription();
    api().post('/api/v1/hooks', { event: 'lead.captured', targetUrl: TARGET_URL }).reply(201, subscription);
    const result = await appTester(lead.performSubscribe!, buildBundle({ targetUrl: TARGET_URL }));
    expect(result).toEqual(subscription);
  });

  it('sends the chosen bot with the subscription', async () => {
    api().post('/api/v1/hooks', { event: 'conversation.escalation', targetUrl: TARGET_URL, botId: BOT_ID }).reply(201, buildSubscription({ botId: BOT_ID }));
    const result = await appTester(escalation.performSubscribe!, buildBundle({ targetUrl: TARGET_URL, inputData: { botId: BOT_ID } }));
    expect(result).toMatchObject({ botId: BOT_ID });
  });

  it('names the bot when the chosen bot does not exist', async () => {
    api().post('/api/v1/hooks').reply(404, { error: { code: 'not_found', message: 'Bot was not found.' } });
    const error = await caught(() => appTester(lead.performSubscribe!, buildBundle({ targetUrl: TARGET_URL, inputData: { botId: BOT_ID } })));
    expect(error.message).toContain(`the bot "${BOT_ID}"`);
  });

  it('explains a target URL the API refuses, under a name the Zap builder knows', async () => {
    const details = [{ field: 'targetUrl', message: 'must be an https URL' }];
    api().post('/api/v1/hooks').reply(422, { error: { code: 'validation_failed', message: 'Invalid.', details } });
    const error = await caught(() => appTester(lead.performSubscribe!, buildBundle({ targetUrl: 'http://example.com/hook' })));
    expect(error.message).toContain('Zap webhook URL: must be an https URL');
  });

  it('unsubscribes by deleting the subscription', async () => {
    api().delete('/api/v1/hooks/hook_684ae2b05e9b2a41d07c3e60').reply(204);
    await expect(appTester(lead.performUnsubscribe!, buildBundle({ subscribeData: buildSubscription() }))).resolves.toEqual({});
  });

  it('counts a subscription that is already gone (404) as unsubscribed', async () => {
    api().delete('/api/v1/hooks/hook_684ae2b05e9b2a41d07c3e60').reply(404, { error: { code: 'not_found', message: 'Hook was not found.' } });
    await expect(appTester(lead.performUnsubscribe!, buildBundle({ subscribeData: buildSubscription() }))).resolves.toEqual({});
  });

  it('reports a server failure on unsubscribe as a retryable error', async () => {
    api().delete('/api/v1/hooks/hook_684ae2b05e9b2a41d07c3e60').reply(500, { error: { code: 'internal', message: 'Something went wrong.' } });
    const error = await caught(() => appTester(lead.performUnsubscribe!, buildBundle({ subscribeData: buildSubscription() })));
    expect(error).toMatchObject({ name: 'AppError', code: 'server_error', status: 500 });
  });
});

describe('instant trigger: perform', () => {
  it('returns the one record of a delivery signed with the subscription secret', async () => {
    const subscription = buildSubscription();
    const event = buildEvent();
    const records = await appTester(lead.perform!, buildBundle({ subscribeData: subscription, rawRequest: deliveredRequest(event, subscription.signingSecret) }));
    expect(records).toEqual([toRecord(event)]);
  });

  it('refuses a forged delivery signed with another secret', async () => {
    const subscription = buildSubscription();
    const forged = deliveredRequest(buildEvent(), generateSigningSecret());
    const error = await caught(() => appTester(lead.perform!, buildBundle({ subscribeData: subscription, rawRequest: forged })));
    expect(error.message).toMatch(/Refused a webhook.*signature does not match/);
  });

  it('refuses a delivery whose body was altered after signing', async () => {
    const subscription = buildSubscription();
    const request = deliveredRequest(buildEvent(), subscription.signingSecret);
    const altered = { ...request, content: request.content.replace('maria.keller@example.com', 'mallory@example.com') };
    const error = await caught(() => appTester(lead.perform!, buildBundle({ subscribeData: subscription, rawRequest: altered })));
    expect(error.message).toMatch(/signature does not match/);
  });

  it('refuses a stale (replayed) delivery', async () => {
    const subscription = buildSubscription();
    const stale = deliveredRequest(buildEvent(), subscription.signingSecret, Math.floor(Date.now() / 1000) - 3600);
    const error = await caught(() => appTester(lead.perform!, buildBundle({ subscribeData: subscription, rawRequest: stale })));
    expect(error.message).toMatch(/stale or replayed/);
  });

  it('refuses an unsigned request', async () => {
    const content = JSON.stringify(buildEvent());
    const error = await caught(() =>
      appTester(lead.perform!, buildBundle({ subscribeData: buildSubscription(), rawRequest: { method: 'POST', headers: {}, content } })),
    );
    expect(error.message).toMatch(/no NebulaHex signature headers/);
  });

  it('accepts the parsed body when Zapier passes no raw request', async () => {
    const event = buildEvent();
    const records = await appTester(lead.perform!, buildBundle({ subscribeData: buildSubscription(), cleanedRequest: event }));
    expect(records).toEqual([toRecord(event)]);
  });

  it('rejects a body that is not a NebulaHex event', async () => {
    const error = await caught(() => appTester(lead.perform!, buildBundle({ subscribeData: buildSubscription(), cleanedRequest: { hello: 'world' } })));
    expect(error.message).toMatch(/not a NebulaHex event/);
  });
});

describe('instant trigger: performList', () => {
  it('returns recent real events of its type, filtered by the chosen bot', async () => {
    const events = [buildEvent(), buildEvent({ id: 'evt_684ae3c15e9b2a41d07c3e70' })];
    api().get('/api/v1/events').query({ type: 'lead.captured', botId: BOT_ID, limit: '3' }).reply(200, { events });
    const records = await appTester(lead.performList!, buildBundle({ inputData: { botId: BOT_ID } }));
    expect(records).toEqual(events.map(toRecord));
  });

  it('shows a placeholder that cannot pass for a real record when there are no events yet', async () => {
    api().get('/api/v1/events').query({ type: 'conversation.escalation', limit: '3' }).reply(200, { events: [] });
    const [placeholder] = (await appTester(escalation.performList!, buildBundle())) as Array<Record<string, unknown>>;
    expect(placeholder).toMatchObject({
      id: expect.stringMatching(/^evt_sample/), test: true, conversationId: 'cnv_sample', botId: 'bot_sample',
      botName: 'Sample Bot (no real events yet)', workspaceId: 'ws_sample',
    });
    const sample = operation('triggers', 'conversation_escalation').sample as unknown as object;
    expect(Object.keys(placeholder ?? {}).sort()).toEqual(Object.keys(sample).sort());
  });

  it('asks the Zap builder to reconnect when the key was revoked', async () => {
    api().get('/api/v1/events').query(true).reply(401, { error: { code: 'unauthorized', message: 'Revoked.' } });
    const error = await caught(() => appTester(lead.performList!, buildBundle()));
    expect(error.name).toBe('ExpiredAuthError');
  });
});

describe('instant trigger: one record shape', () => {
  it('has equal keys in perform, performList and the static sample', async () => {
    const subscription = buildSubscription();
    const event = buildEvent();
    const [performed] = (await appTester(lead.perform!, buildBundle({ subscribeData: subscription, rawRequest: deliveredRequest(event, subscription.signingSecret) }))) as object[];
    api().get('/api/v1/events').query(true).reply(200, { events: [buildEvent({ id: 'evt_684ae3c15e9b2a41d07c3e72' })] });
    const [listed] = (await appTester(lead.performList!, buildBundle())) as object[];
    const sample = operation('triggers', 'lead_captured').sample as unknown as object;
    const keys = (record: object | undefined) => Object.keys(record ?? {}).sort();
    expect(keys(performed)).toEqual(keys(sample));
    expect(keys(listed)).toEqual(keys(sample));
    expect(keys(sample)).toEqual(expect.arrayContaining(['capturedFields__email', 'capturedFields__firstName', 'capturedFields__lastName', 'conversationUrl', 'botName']));
    expect(performed).toMatchObject({ capturedFields__firstName: 'Maria', capturedFields__lastName: 'Keller', conversationUrl: expect.stringMatching(/\/app\/conversations\/cnv_/) });
  });
});

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
