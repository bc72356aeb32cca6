import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@nebulahex/shared';
import { waitFor, type ReceivedRequest } from '@nebulahex/server/testing';
import { Webhook } from 'standardwebhooks';
import { startStory, type Story } from '../support/story.js';
import { connectAccount, zapierRawRequest, type ConnectedAccount } from '../support/zapier.js';

// One platform for the file (server, receiver, workspace); every story makes its own bots,
// conversations and subscriptions, so the stories do not depend on each other's order.
let story: Story;
let zap: ConnectedAccount;

beforeAll(async () => {
  story = await startStory();
  // Zapier's side of a turned-off Zap: its hook URL answers 410 Gone.
  story.receiver.respond((request) => (request.path.startsWith('/zap/gone') ? { status: 410, body: 'gone' } : { status: 200, body: 'ok' }));
  zap = await connectAccount(story.app.baseUrl, story.workspace.apiKey);
});
afterAll(async () => {
  await zap.close();
  await story.close();
});

const subscribe = (trigger: string, path: string, inputData: Record<string, unknown> = {}) =>
  zap.run('triggers', trigger, 'performSubscribe', { targetUrl: story.receiver.url(path), inputData });

/** What the Zap's `perform` makes of a request Zapier received. */
const performOn = (trigger: string, subscribeData: unknown, received: ReceivedRequest, inputData: Record<string, unknown> = {}) =>
  zap.run<Array<Record<string, unknown>>>('triggers', trigger, 'perform', {
    inputData,
    subscribeData: subscribeData as { id: string },
    rawRequest: zapierRawRequest(received),
    cleanedRequest: JSON.parse(received.body),
  });

function headersOf(received: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(received.headers).map(([name, value]) => [name, String(value)]));
}

describe('connecting an account', () => {
  it('tests the API key and labels the connection with the workspace name', async () => {
    const { me, label } = await zap.connect();

    expect(me.workspace).toEqual({ id: story.workspace.workspaceId, name: 'Acme Support' });
    expect(label).toBe('Acme Support');
  });

  it('fills the bot and conversation dropdowns from the workspace', async () => {
    const { botId, conversationId } = await story.botWithConversation();

    const bots = await zap.run<Array<{ id: string }>>('triggers', 'listBots', 'perform');
    const conversations = await zap.run<Array<{ id: string; botId: string }>>('triggers', 'listConversations', 'perform', { inputData: { botId } });

    expect(bots.map((bot) => bot.id)).toContain(botId);
    expect(conversations).toEqual([expect.objectContaining({ id: conversationId, botId, status: 'open' })]);
  });
});

describe('a "Lead Captured" Zap', () => {
  it('gets each lead as a signed webhook whose record is the one performList shows', async () => {
    const { botId, conversationId } = await story.botWithConversation();
    const subscription = await subscribe('lead_captured', '/zap/lead', { botId });
    expect(subscription).toMatchObject({ id: expect.stringMatching(/^hook_/), event: 'lead.captured', botId, signingSecret: expect.stringMatching(/^whsec_/) });

    const eventId = await story.publish('lead.captured', { botId, conversationId, capturedFields: { email: 'ada@example.com', name: 'Ada', phone: null } });
    const received = await story.waitForDelivery('/zap/lead', eventId);

    // Signed both ways: the reference Standard Webhooks library, and the X-NebulaHex scheme alone.
    expect(new Webhook(subscription.signingSecret).verify(received.body, headersOf(received))).toMatchObject({ id: eventId, type: 'lead.captured' });
    const nebulaHexHeaders = Object.fromEntries(Object.entries(headersOf(received)).filter(([name]) => name.startsWith('x-nebulahex-')));
    expect(verifyWebhook({ headers: nebulaHexHeaders, body: received.body, secret: subscription.signingSecret })).toEqual({ valid: true });

    const [record] = await performOn('lead_captured', subscription, received);
    const listed = await zap.run<Array<Record<string, unknown>>>('triggers', 'lead_captured', 'performList', { inputData: { botId } });
    expect(record).toMatchObject({ id: eventId, eventType: 'lead.captured', conversationId, capturedFields__email: 'ada@example.com' });
    expect(listed[0]).toEqual(record);
  });

  it('refuses a delivery whose body was altered on the way', async () => {
    const { botId, conversationId } = await story.botWithConversation();
    const subscription = await subscribe('lead_captured', '/zap/lead-altered', { botId });
    const eventId = await story.publish('lead.captured', { botId, conversationId });
    const received = await story.waitForDelivery('/zap/lead-altered', eventId);

    const altered = { ...received, body: received.body.replace(conversationId, 'cnv_000000000000000000000000') };

    await expect(performOn('lead_captured', subscription, altered)).rejects.toThrow(/signature does not match/);
  });

  it('stops getting deliveries once the Zap is turned off', async () => {
    const { botId, conversationId } = await story.botWithConversation();
    const subscription = await subscribe('lead_captured', '/zap/off', { botId });
    const control = await subscribe('lead_captured', '/zap/control', { botId });

    await zap.run('triggers', 'lead_captured', 'performUnsubscribe', { subscribeData: subscription });
    const eventId = await story.publish('lead.captured', { botId, conversationId });

    await story.waitForDelivery('/zap/control', eventId);
    expect(story.receiver.on('/zap/off')).toEqual([]);
    expect((await story.api(`/hooks/${subscription.id}`)).status).toBe(404);
    expect((await story.api(`/hooks/${control.id}/deliveries`)).body.deliveries).toHaveLength(1);
    // Zapier may unsubscribe again (a retry): the subscription is already gone, which counts as done.
    await expect(zap.run('triggers', 'lead_captured', 'performUnsubscribe', { subscribeData: subscription })).resolves.toEqual({});
  });
});

describe('a "Conversation Escalated" Zap', () => {
  it('gets escalations of its bot only, and the conversation is escalated', async () => {
    const mine = await story.botWithConversation();
    const other = await story.botWithConversation();
    const subscription = await subscribe('conversation_escalation', '/zap/escalation', { botId: mine.botId });

    const otherEventId = await story.publish('conversation.escalation', { botId: other.botId, conversationId: other.conversationId });
    const eventId = await story.publish('conversation.escalation', { botId: mine.botId, conversationId: mine.conversationId, reason: 'The visitor asked for a human' });
    const received = await story.waitForDelivery('/zap/escalation', eventId);

    const [record] = await performOn('conversation_escalation', subscription, received);
    expect(record).toMatchObject({ id: eventId, eventType: 'conversation.escalation', botId: mine.botId, reason: 'The visitor asked for a human' });
    // Fan-out happens before the internal API answers, so the other bot's event has no delivery here at all.
    const deliveries = (await story.api(`/hooks/${subscription.id}/deliveries`)).body.deliveries as Array<{ eventId: string }>;
    expect(deliveries.map((delivery) => delivery.eventId)).toEqual([eventId]);
    expect(story.receiver.on('/zap/escalation').map((request) => request.headers['webhook-id'])).not.toContain(otherEventId);
    const found = await zap.run('searches', 'find_conversation', 'perform', { inputData: { conversationId: mine.conversationId } });
    expect(found).toEqual([expect.objectContaining({ id: mine.conversationId, status: 'escalated' })]);
  });

  it('is removed by NebulaHex when Zapier answers 410 Gone', async () => {
    const { botId, conversationId } = await story.botWithConversation();
    const subscription = await subscribe('conversation_escalation', '/zap/gone', { botId });

    const eventId = await story.publish('conversation.escalation', { botId, conversationId });

    await story.waitForDelivery('/zap/gone', eventId);
    await waitFor(async () => (await story.api(`/hooks/${subscription.id}`)).status === 404, { message: 'the subscription to be deleted after 410' });
    await expect(zap.run('triggers', 'conversation_escalation', 'performUnsubscribe', { subscribeData: subscription })).resolves.toEqual({});
  });
});

describe('actions and the search', () => {
  it('send a message (delivered as message.sent), find by lead email, and resolve for real', async () => {
    const { botId, conversationId } = await story.botWithConversation();
    const subscription = await subscribe('message_sent', '/zap/messages', { botId });
    await story.publish('lead.captured', { botId, conversationId, capturedFields: { email: 'grace@example.com', name: 'Grace', phone: null } });

    const sent = await zap.run('creates', 'send_message', 'perform', { inputData: { conversationId, message: 'We are on it, Grace.' } });
    expect(sent).toMatchObject({ id: expect.stringMatching(/^msg_/), conversationId, text: 'We are on it, Grace.', isRepeat: false });
    const delivered = await waitFor(() => story.receiver.on('/zap/messages').find((request) => JSON.parse(request.body).data.messageId === sent.id), { message: 'message.sent for the sent message' });
    const [record] = await performOn('message_sent', subscription, delivered, { includeApiMessages: true });
    expect(record).toMatchObject({ eventType: 'message.sent', conversationId, messageId: sent.id, text: 'We are on it, Grace.', sender__type: 'api', sender__viaZapier: true });
    const detail = (await story.api(`/conversations/${conversationId}`)).body;
    expect(detail.messages.map((message: { text: string }) => message.text)).toContain('We are on it, Grace.');

    const byEmail = await zap.run('searches', 'find_conversation', 'perform', { inputData: { leadEmail: 'grace@example.com' } });
    expect(byEmail).toEqual([expect.objectContaining({ id: conversationId, lead__email: 'grace@example.com', status: 'open' })]);

    const resolved = await zap.run('creates', 'resolve_conversation', 'perform', { inputData: { conversationId } });
    expect(resolved).toMatchObject({ id: conversationId, status: 'resolved', resolvedAt: expect.any(String) });
    const again = await zap.run('creates', 'resolve_conversation', 'perform', { inputData: { conversationId } });
    expect(again.resolvedAt).toBe(resolved.resolvedAt);
    const found = await zap.run('searches', 'find_conversation', 'perform', { inputData: { conversationId } });
    expect(found).toEqual([expect.objectContaining({ id: conversationId, status: 'resolved', resolvedAt: resolved.resolvedAt })]);
  });
});

describe('a "New Message → Send Message" Zap', () => {
  it('does not trigger itself: New Message skips the message its Send Message step sent, but not the bot\'s', async () => {
    const { botId, conversationId } = await story.botWithConversation();
    const subscription = await subscribe('message_sent', '/zap/self-loop', { botId });

    const botEventId = await story.publish('message.sent', { botId, conversationId, messageId: 'msg_684adf3f5e9b2a41d07c3f01', text: 'How can I help?' });
    const fromBot = await story.waitForDelivery('/zap/self-loop', botEventId);
    const [botRecord] = await performOn('message_sent', subscription, fromBot);
    expect(botRecord).toMatchObject({ messageId: 'msg_684adf3f5e9b2a41d07c3f01', text: 'How can I help?', sender__type: 'bot', sender__viaZapier: false, botName: expect.stringMatching(/^Website Assistant/) });

    // The Zap's action answers the visitor: NebulaHex emits message.sent for it and delivers it to the same Zap.
    const sent = await zap.run('creates', 'send_message', 'perform', { inputData: { conversationId, message: 'Thanks, on it.' }, meta: { zap: { id: 9001 } } as never });
    const fromZap = await waitFor(() => story.receiver.on('/zap/self-loop').find((request) => JSON.parse(request.body).data.messageId === sent.id), { message: 'message.sent for the Zap\'s own message' });
    expect(JSON.parse(fromZap.body).data.sender).toEqual({ type: 'api', apiKeyId: story.workspace.apiKeyId, viaZapier: true });

    expect(await performOn('message_sent', subscription, fromZap)).toEqual([]);
  });
});

describe('idempotent actions', () => {
  it('a retried Send Message step sends one message and answers the first result', async () => {
    const { conversationId } = await story.botWithConversation();
    const bundle = { inputData: { conversationId, message: 'Only once, please.' }, meta: { zap: { id: 9002 } } as never };

    const first = await zap.run('creates', 'send_message', 'perform', bundle);
    const retried = await zap.run('creates', 'send_message', 'perform', bundle);

    expect(retried).toEqual({ ...first, isRepeat: true });
    const detail = (await story.api(`/conversations/${conversationId}`)).body;
    expect(detail.messages.filter((message: { text: string }) => message.text === 'Only once, please.')).toHaveLength(1);
  });
});

describe('Capture Lead, New Conversation and Conversation Resolved', () => {
  it('a captured lead reaches a New Lead Zap, and the conversation polls see the conversation and its resolution', async () => {
    const { botId, conversationId } = await story.botWithConversation();
    const subscription = await subscribe('lead_captured', '/zap/captured', { botId });

    const lead = await zap.run('creates', 'capture_lead', 'perform', { inputData: { conversationId, email: 'Ada.Capture@Example.com', name: 'Ada Lovelace' } });
    expect(lead).toMatchObject({ id: expect.stringMatching(/^lead_/), conversationId, email: 'Ada.Capture@Example.com', firstName: 'Ada', lastName: 'Lovelace' });
    const delivered = await waitFor(() => story.receiver.on('/zap/captured').find((request) => JSON.parse(request.body).data.leadId === lead.id), { message: 'lead.captured for the captured lead' });
    const [record] = await performOn('lead_captured', subscription, delivered);
    expect(record).toMatchObject({ leadId: lead.id, capturedFields__email: 'Ada.Capture@Example.com', capturedFields__firstName: 'Ada', capturedFields__lastName: 'Lovelace' });
    // The polling twin sees the same record; Find Lead finds the lead by email, in Capture Lead's shape.
    const polled = await zap.run<Array<Record<string, unknown>>>('triggers', 'lead_captured_polling', 'perform', { inputData: { botId } });
    expect(polled.find((event) => event.id === record?.id)).toEqual(record);
    const found = await zap.run<Array<Record<string, unknown>>>('searches', 'find_lead', 'perform', { inputData: { email: 'ada.capture@example.com' } });
    const { isRepeat: _isRepeat, ...captured } = lead;
    expect(found).toEqual([{ ...captured, email: 'ada.capture@example.com' }]);

    const created = await zap.run<Array<Record<string, unknown>>>('triggers', 'new_conversation', 'perform', { inputData: { botId } });
    expect(created).toEqual([expect.objectContaining({ id: conversationId, lead__email: 'ada.capture@example.com', lead__firstName: 'Ada', botName: expect.stringMatching(/^Website Assistant/) })]);
    expect(await zap.run('triggers', 'conversation_resolved', 'perform', { inputData: { botId } })).toEqual([]);

    const resolved = await zap.run('creates', 'resolve_conversation', 'perform', { inputData: { conversationId } });
    const resolutions = await zap.run<Array<Record<string, unknown>>>('triggers', 'conversation_resolved', 'perform', { inputData: { botId } });
    expect(resolutions).toEqual([expect.objectContaining({ id: `${conversationId}:${resolved.resolvedAt}`, conversationId, status: 'resolved' })]);
    // The resolved conversation leaves the dropdown: no action can use it.
    const options = await zap.run<Array<{ id: string }>>('triggers', 'listConversations', 'perform', { inputData: { botId } });
    expect(options.map((option) => option.id)).not.toContain(conversationId);
  });
});
