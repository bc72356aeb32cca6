import type { Connection } from 'mongoose';
import { newId } from '../db/model.js';
import { eventModel, type EventDoc } from './model.js';

export interface PublishEventInput {
  workspaceId: string;
  type: string;
  data: Record<string, unknown>;
  /** Caller-chosen id (`evt_…`): publishing the same id twice stores one event. */
  id?: string;
  test?: boolean;
}

export interface PublishedEvent {
  event: EventDoc;
  /** True when an event with this id existed already (nothing new was stored). */
  duplicate: boolean;
}

/** The one way anything emits an event. */
export interface EventPublisher {
  publish(input: PublishEventInput): Promise<PublishedEvent>;
}

export interface EventPublisherDeps {
  connection: Connection;
}

/** Stores the event durably before answering. */
export function createEventPublisher({ connection }: EventPublisherDeps): EventPublisher {
  const Events = eventModel(connection);
  return {
    async publish(input) {
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
      const result = await Events.updateOne({ _id: id }, { $setOnInsert: candidate }, { upsert: true });
      if (result.upsertedCount === 1) return { event: candidate, duplicate: false };
      const existing = await Events.findById(id).lean<EventDoc>();
      if (!existing) throw new Error(`event ${id} vanished while publishing`);
      return { event: existing, duplicate: true };
    },
  };
}
