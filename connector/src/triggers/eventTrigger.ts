import { eventCatalog, type CreateHookIn, type EventsOut, type EventType } from '@nebulahex/shared';
import {
  defineTrigger,
  type Bundle,
  type PlainInputField,
  type PollingTriggerPerform,
  type WebhookTriggerPerform,
  type WebhookTriggerPerformList,
  type WebhookTriggerPerformSubscribe,
  type WebhookTriggerPerformUnsubscribe,
  type ZObject,
} from 'zapier-platform-core';
import { apiRequest } from '../client.js';
import { botFilterField } from '../fields.js';
import { raiseForApiError } from '../middleware.js';
import { outputFieldsOf, placeholderRecord, sampleRecord, toRecord } from '../records.js';
import { verifiedWebhookBody, type HookSubscription } from './webhookRequest.js';

/** How many recent events the Zap editor gets to pick a test record from. */
const RECENT_EVENTS_LIMIT = 3;
/** How many events one poll of a polling twin reads (the API's page maximum). */
const POLL_LIMIT = 100;

type ZapRecord = Record<string, unknown> & { id: string };

/** What one event type adds to its triggers: more input fields, and which records a Zap keeps. */
export interface EventTriggerOptions {
  inputFields?: PlainInputField[];
  /** False drops the record: the Zap does not run for it. */
  keep?: (record: ZapRecord, inputData: Record<string, unknown>) => boolean;
}

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

const keeper = (options: EventTriggerOptions) => (bundle: Bundle) => (record: ZapRecord) =>
  options.keep ? options.keep(record, bundle.inputData) : true;

const perform = (options: EventTriggerOptions) =>
  (async (z, bundle) => [toRecord(verifiedWebhookBody(z, bundle))].filter(keeper(options)(bundle))) satisfies WebhookTriggerPerform;

/** The workspace's recent events of `type` (of the chosen bot), newest first, as records. */
async function recentRecords(z: ZObject, bundle: Bundle, type: EventType, limit: number): Promise<ZapRecord[]> {
  const response = await apiRequest<EventsOut>(z, {
    path: '/events',
    params: { type, botId: botIdOf(bundle), limit },
    subject: { noun: 'bot', id: botIdOf(bundle) },
  });
  return response.data.events.map(toRecord);
}

/** Recent real events for the Zap editor's test step; a plainly marked placeholder when there are none yet. */
const list = (type: EventType, options: EventTriggerOptions) =>
  (async (z, bundle) => {
    const records = await recentRecords(z, bundle, type, RECENT_EVENTS_LIMIT);
    const kept = records.filter(keeper(options)(bundle));
    return kept.length > 0 ? kept : [placeholderRecord(type)];
  }) satisfies WebhookTriggerPerformList;

/** A polling twin's poll: the latest events, newest first; Zapier deduplicates them by event id. */
const poll = (type: EventType, options: EventTriggerOptions) =>
  (async (z, bundle) => (await recentRecords(z, bundle, type, POLL_LIMIT)).filter(keeper(options)(bundle))) satisfies PollingTriggerPerform;

function inputFieldsOf(type: EventType, options: EventTriggerOptions): PlainInputField[] {
  const noun = eventCatalog[type].noun.toLowerCase();
  return [botFilterField(`Only trigger on ${noun} events from this bot. Leave empty for every bot.`), ...(options.inputFields ?? [])];
}

/** The instant trigger of one catalog event type: labels, sample and fields all come from the catalog. */
export function eventTrigger(type: EventType, options: EventTriggerOptions = {}) {
  const definition = eventCatalog[type];
  return defineTrigger({
    key: definition.key,
    noun: definition.noun,
    display: { label: definition.label, description: definition.description },
    operation: {
      type: 'hook',
      inputFields: inputFieldsOf(type, options),
      performSubscribe: subscribe(type),
      performUnsubscribe: unsubscribe,
      perform: perform(options),
      performList: list(type, options),
      sample: sampleRecord(type),
      outputFields: outputFieldsOf(type),
    },
  });
}

/**
 * The polling twin of an instant trigger, for accounts whose Zaps cannot receive webhooks or
 * that prefer polling: the same records from `GET /events` every few minutes, deduplicated by
 * Zapier on the event id.
 */
export function eventPollingTrigger(type: EventType, options: EventTriggerOptions = {}) {
  const definition = eventCatalog[type];
  return defineTrigger({
    key: `${definition.key}_polling`,
    noun: definition.noun,
    display: {
      label: `${definition.label} (Polling)`,
      description: `${definition.description.replace(/\.$/, '')}, checked every few minutes instead of instantly.`,
    },
    operation: {
      type: 'polling',
      inputFields: inputFieldsOf(type, options),
      perform: poll(type, options),
      sample: sampleRecord(type),
      outputFields: outputFieldsOf(type),
    },
  });
}
