import {
  eventCatalog,
  sampleWebhookBody,
  toZapRecord,
  type CreateHookIn,
  type EventsOut,
  type EventType,
  type SamplesOut,
  type WebhookBody,
} from '@nebulahex/shared';
import {
  defineTrigger,
  type Bundle,
  type WebhookTriggerPerform,
  type WebhookTriggerPerformList,
  type WebhookTriggerPerformSubscribe,
  type WebhookTriggerPerformUnsubscribe,
  type ZObject,
} from 'zapier-platform-core';
import { apiRequest } from '../client.js';
import { botFilterField } from '../fields.js';
import { raiseForApiError } from '../middleware.js';
import { verifiedWebhookBody, type HookSubscription } from './webhookRequest.js';

/** How many recent events the Zap editor gets to pick a test record from. */
const RECENT_EVENTS_LIMIT = 3;

type BotFilter = { botId?: string };

function botIdOf(bundle: Bundle): string | undefined {
  const botId = (bundle.inputData as BotFilter).botId;
  return typeof botId === 'string' && botId !== '' ? botId : undefined;
}

const subscribe = (type: EventType) =>
  (async (z, bundle) => {
    const response = await apiRequest<HookSubscription>(z, {
      method: 'POST',
      path: '/hooks',
      body: { event: type, targetUrl: bundle.targetUrl ?? '', ...(botIdOf(bundle) ? { botId: botIdOf(bundle) } : {}) } satisfies CreateHookIn,
      subject: { noun: 'bot', id: botIdOf(bundle), fieldLabels: { botId: 'Bot', targetUrl: 'Zap webhook URL' } },
    });
    return response.data;
  }) satisfies WebhookTriggerPerformSubscribe;

// 404 means NebulaHex already removed the subscription (e.g. after Zapier answered 410): done.
const unsubscribe = (async (z, bundle) => {
  const subscription = bundle.subscribeData as Partial<HookSubscription> | undefined;
  if (!subscription?.id) return {};
  const response = await apiRequest<unknown>(z, {
    method: 'DELETE',
    path: `/hooks/${encodeURIComponent(subscription.id)}`,
    skipThrowForStatus: true,
  });
  if (response.status !== 404) raiseForApiError(response, z).throwForStatus();
  return {};
}) satisfies WebhookTriggerPerformUnsubscribe;

const perform = (async (z, bundle) => [toZapRecord(verifiedWebhookBody(z, bundle))]) satisfies WebhookTriggerPerform;

async function sampleBodies(z: ZObject, type: EventType): Promise<WebhookBody[]> {
  const response = await apiRequest<SamplesOut>(z, {
    path: '/triggers/samples',
    params: { event: type },
  });
  return [response.data.samples[type] ?? sampleWebhookBody(type)];
}

/** Recent real events for the Zap editor's test step; the catalog sample when there are none yet. */
const list = (type: EventType) =>
  (async (z, bundle) => {
    const response = await apiRequest<EventsOut>(z, {
      path: '/events',
      params: { type, botId: botIdOf(bundle), limit: RECENT_EVENTS_LIMIT },
      subject: { noun: 'bot', id: botIdOf(bundle) },
    });
    const bodies = response.data.events.length > 0 ? response.data.events : await sampleBodies(z, type);
    return bodies.map(toZapRecord);
  }) satisfies WebhookTriggerPerformList;

function outputFieldType(value: unknown): 'boolean' | 'number' | 'string' {
  if (typeof value === 'boolean') return 'boolean';
  return typeof value === 'number' ? 'number' : 'string';
}

/** The instant trigger of one catalog event type: labels, sample and fields all come from the catalog. */
export function eventTrigger(type: EventType) {
  const definition = eventCatalog[type];
  const sample = toZapRecord(sampleWebhookBody(type));
  return defineTrigger({
    key: definition.key,
    noun: definition.noun,
    display: { label: definition.label, description: definition.description },
    operation: {
      type: 'hook',
      inputFields: [botFilterField(`Only trigger on ${definition.noun.toLowerCase()} events from this bot. Leave empty for every bot.`)],
      performSubscribe: subscribe(type),
      performUnsubscribe: unsubscribe,
      perform,
      performList: list(type),
      sample,
      outputFields: Object.entries(definition.fieldLabels).map(([key, label]) => ({
        key,
        label,
        type: outputFieldType(sample[key]),
      })),
    },
  });
}
