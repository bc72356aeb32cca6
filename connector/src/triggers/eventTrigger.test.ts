import { describe, expect, it } from '@jest/globals';
import { generateSigningSecret } from '@nebulahex/shared';
import { toRecord } from '../records.js';
import { api, appTester, buildBundle, caught, operation, useNock } from '../testing/harness.js';

useNock();

const lead = operation('triggers', 'lead_captured');
const escalation = operation('triggers', 'conversation_escalation');
import { BOT_ID, TARGET_URL, buildEvent, buildSubscription, deliveredRequest } from '../testing/webhooks.js';

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
    expect(error.name).toBe('RefreshAuthError'); // Zapier refreshes the token (autoRefresh)
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
