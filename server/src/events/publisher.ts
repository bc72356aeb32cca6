import type { Connection } from 'mongoose';
import { botModel } from '../bots/model.js';
import { newId } from '../db/model.js';
import type { DeliveryEngine } from '../deliveries/engine.js';
import { fanOut } from '../deliveries/fanout.js';
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
}

/**
 * Stores the event and one delivery per matching subscription before answering, then
 * starts the first attempts at once. Publishing an id again repeats the fan-out, so a
 * caller retrying after a crash between the two writes still gets every delivery.
 */
export function createEventPublisher({ connection, deliveries }: EventPublisherDeps): EventPublisher {
  const Events = eventModel(connection);
  return {
    async publish(input) {
      const { event, duplicate } = await storeEvent(Events, { ...input, data: await withBotName(connection, input) });
      const fannedOut = await fanOut(connection, event, { onlySubscriptionId: input.subscriptionId, claim: deliveries?.freshClaim() });
      deliveries?.startClaimed(event, fannedOut.claimed, fannedOut.subscriptions);
      await deliveries?.enqueue(fannedOut.dueIds);
      return { event, duplicate, deliveryIds: fannedOut.deliveryIds };
    },
  };
}

/**
 * The event's data with `botName` filled in from its bot, so a Zap gets the name without asking;
 * a name the caller gave is kept, and a bot that is not the workspace's gives null.
 */
async function withBotName(connection: Connection, input: PublishEventInput): Promise<Record<string, unknown>> {
  const { botId, botName } = input.data;
  if (typeof botId !== 'string' || typeof botName === 'string') return input.data;
  const bot = await botModel(connection).findOne({ _id: botId, workspaceId: input.workspaceId }, { name: 1 }).lean<{ name: string }>();
  return { ...input.data, botName: bot?.name ?? null };
}

const DUPLICATE_KEY = 11000;

async function storeEvent(Events: ReturnType<typeof eventModel>, input: PublishEventInput): Promise<{ event: EventDoc; duplicate: boolean }> {
  const id = input.id ?? newId('evt');
  const botId = typeof input.data.botId === 'string' ? input.data.botId : null;
  const candidate: EventDoc = {
    _id: id,
    workspaceId: input.workspaceId,
    type: input.type,
    botId,
    test: input.test ?? false,
    data: input.data,
    createdAt: new Date(),
  };
  try {
    // A plain insert: the unique _id decides which of two concurrent publishes of one id stores it.
    await Events.create(candidate);
    return { event: candidate, duplicate: false };
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
  }
  const existing = await Events.findById(id).lean<EventDoc>();
  if (!existing) throw new Error(`event ${id} vanished while publishing`);
  return { event: existing, duplicate: true };
}
