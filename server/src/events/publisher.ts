import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { botModel } from '../bots/model.js';
import { createGroupCommit, insertEach, type InsertResult } from '../db/group-commit.js';
import { newId } from '../db/model.js';
import { createReadCache } from '../db/read-cache.js';
import type { DeliveryEngine } from '../deliveries/engine.js';
import { createFanOut } from '../deliveries/fanout.js';
import { DEFAULT_HOOK_CACHE_MS } from '../hooks/cache.js';
import { eventModel, type EventDoc } from './model.js';

export interface PublishEventInput {
  workspaceId: string;
  type: string;
  data: Record<string, unknown>;
  /** Caller-chosen id (`evt_…`): publishing the same id twice stores one event. */
  id?: string;
  test?: boolean;
  /** Deliver to this subscription only (test events), instead of every matching one. */
  subscriptionId?: string;
}

export interface PublishedEvent {
  event: EventDoc;
  /** True when an event with this id existed already (nothing new was stored). */
  duplicate: boolean;
  /** The event's deliveries, one per matching subscription. */
  deliveryIds: string[];
}

/** The one way anything emits an event. */
export interface EventPublisher {
  publish(input: PublishEventInput): Promise<PublishedEvent>;
}

export interface EventPublisherDeps {
  connection: Connection;
  /** Starts the first attempts; without it deliveries wait for a worker's sweep. */
  deliveries?: Pick<DeliveryEngine, 'enqueue' | 'freshClaim' | 'startClaimed'>;
  /** How stale subscriptions and bot names may be (SUBSCRIPTION_CACHE_MS). */
  cacheMs?: number;
}

/** Events of concurrent publishes written in one insert at most. */
const MAX_BATCH = 500;
const MAX_BOTS = 10_000;

/**
 * Stores the event and one delivery per matching subscription before answering, then
 * starts the first attempts at once. Concurrent publishes share one insert of their events
 * and one of their deliveries (group commit); each answers only once its own are stored.
 * Publishing an id again repeats the fan-out, so a caller retrying after a crash between
 * the two writes still gets every delivery.
 */
export function createEventPublisher({ connection, deliveries, cacheMs = DEFAULT_HOOK_CACHE_MS }: EventPublisherDeps): EventPublisher {
  const Events = eventModel(connection);
  const storeEvents = createGroupCommit<EventDoc, InsertResult>({
    maxBatch: MAX_BATCH,
    flush: (events) => insertEach(Events.collection as unknown as Collection<EventDoc>, events),
  });
  const fanOut = createFanOut(connection, cacheMs);
  // A bot's name as a delivery shows it: renamed bots show the new name within cacheMs.
  const botNames = createReadCache<string | null>({
    ttlMs: cacheMs,
    max: MAX_BOTS,
    load: async (key) => {
      const [workspaceId, botId] = key.split('\n');
      const bot = await botModel(connection).findOne({ _id: botId, workspaceId }, { name: 1 }).lean<{ name: string }>();
      return bot?.name ?? null;
    },
  });

  /**
   * The event's data with `botName` filled in from its bot, so a Zap gets the name without asking;
   * a name the caller gave is kept, and a bot that is not the workspace's gives null.
   */
  const withBotName = async (input: PublishEventInput): Promise<Record<string, unknown>> => {
    const { botId, botName } = input.data;
    if (typeof botId !== 'string' || typeof botName === 'string') return input.data;
    return { ...input.data, botName: await botNames.get(`${input.workspaceId}\n${botId}`) };
  };

  const storeEvent = async (candidate: EventDoc): Promise<{ event: EventDoc; duplicate: boolean }> => {
    // The unique _id decides which of two concurrent publishes of one id stores it.
    if ((await storeEvents(candidate)) === 'inserted') return { event: candidate, duplicate: false };
    const existing = await Events.findById(candidate._id).lean<EventDoc>();
    if (!existing) throw new Error(`event ${candidate._id} vanished while publishing`);
    return { event: existing, duplicate: true };
  };

  return {
    async publish(input) {
      const { event, duplicate } = await storeEvent(newEvent({ ...input, data: await withBotName(input) }));
      const fannedOut = await fanOut(event, { onlySubscriptionId: input.subscriptionId, claim: deliveries?.freshClaim() });
      deliveries?.startClaimed(event, fannedOut.claimed);
      await deliveries?.enqueue(fannedOut.due);
      return { event, duplicate, deliveryIds: fannedOut.deliveryIds };
    },
  };
}

function newEvent(input: PublishEventInput): EventDoc {
  return {
    _id: input.id ?? newId('evt'),
    workspaceId: input.workspaceId,
    type: input.type,
    botId: typeof input.data.botId === 'string' ? input.data.botId : null,
    test: input.test ?? false,
    data: input.data,
    createdAt: new Date(),
  };
}
