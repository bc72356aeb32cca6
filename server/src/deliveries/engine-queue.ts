import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { EventDoc } from '../events/model.js';
import { subscriptionCacheOf } from '../hooks/cache.js';
import type { FreshDelivery } from './attempter.js';
import { createBatcher } from './batcher.js';
import { createLaneLimits, releaseClaimed, workItemsOf, type DeliveryRef } from './lanes.js';
import type { DeliveryDoc } from './model.js';
import { createWorkQueue, type WorkItem, type WorkQueue } from './queue.js';

/** Fresh deliveries a full lane gives back are released in one update per this window. */
const RELEASE_WINDOW_MS = 200;

export interface EngineQueueDeps {
  connection: Connection;
  logger: Logger;
  concurrency: number;
  /** The limit of an endpoint (subscription) without a `maxConcurrency` of its own. */
  endpointConcurrency: number;
  /** WEBHOOK_ENDPOINT_BACKLOG: deliveries one endpoint keeps waiting in memory; the database holds the rest. */
  endpointBacklog: number;
  /** SUBSCRIPTION_CACHE_MS: new events' first attempts take their endpoint's limit from the subscription cache. */
  subscriptionCacheMs: number;
  /**
   * One attempt; `fresh` when fan-out created the delivery claimed by this process; `sent()`
   * once the receiver has answered (WorkQueueOptions.work). Must not reject.
   */
  attempt(deliveryId: string, fresh: FreshDelivery | undefined, sent: () => void): Promise<void>;
  /** A lane whose deliveries the database holds runs low (WorkQueueOptions.onRoom). */
  onRoom?(lane: string, version: number): void;
}

export interface EngineQueue {
  queue: WorkQueue;
  /** The work items of `refs`, their lanes' limits read where they are not known or stale. */
  admit(refs: DeliveryRef[]): Promise<WorkItem[]>;
  /** Queues deliveries fan-out created claimed by this process, with their event. */
  pushClaimed(event: EventDoc, deliveries: DeliveryDoc[]): void;
  /** Resolves once nothing is queued, running, or waiting for its lane's limit to be read. */
  idle(): Promise<void>;
}

/**
 * The engine's work queue: one lane per subscription under the per-endpoint limits, the fresh
 * deliveries kept with their event until their first attempt, and the release of those a full
 * lane cannot keep (the others were never claimed: dropping them leaves them to the sweep).
 */
export function createEngineQueue({ connection, logger, concurrency, endpointConcurrency, endpointBacklog, subscriptionCacheMs, attempt, onRoom }: EngineQueueDeps): EngineQueue {
  const fresh = new Map<string, FreshDelivery>();
  const limits = createLaneLimits(connection, endpointConcurrency);
  const subscriptions = subscriptionCacheOf(connection, subscriptionCacheMs);
  const releases = createBatcher<'release', { id: string; owner: string }>(RELEASE_WINDOW_MS, (released) =>
    releaseClaimed(connection, released).catch((error: unknown) => logger.warn({ err: error }, 'could not release deliveries; their claim runs out and the sweep takes them')),
  );
  const takeFresh = (id: string): FreshDelivery | undefined => {
    const handed = fresh.get(id);
    fresh.delete(id);
    return handed;
  };
  const queue = createWorkQueue({
    concurrency,
    laneLimit: limits.of,
    maxWaiting: endpointBacklog,
    work: ({ id }, sent) => attempt(id, takeFresh(id), sent),
    ...(onRoom ? { onRoom } : {}),
    release: (items) => {
      const claimed = items.flatMap(({ id }) => {
        const owner = takeFresh(id)?.delivery.lockedBy;
        return owner ? [{ id, owner }] : [];
      });
      return releases.add(claimed, 'release');
    },
  });

  /** Fresh deliveries whose lanes' limits are being read (fan-out has just filled the cache: rarely a database read). */
  const reading = new Set<Promise<void>>();
  const pushWhenKnown = (items: WorkItem[], read: Promise<void>): void => {
    const pushed = read
      .catch((error: unknown) => logger.warn({ err: error }, 'could not read endpoint limits; the last known (or default) apply'))
      .then(() => queue.push(items))
      .finally(() => reading.delete(pushed));
    reading.add(pushed);
  };

  return {
    queue,
    async admit(refs) {
      const items = await workItemsOf(connection, refs);
      await limits.refresh(items.map((item) => item.lane));
      return items;
    },
    pushClaimed(event, deliveries) {
      if (deliveries.length === 0) return;
      for (const delivery of deliveries) fresh.set(delivery._id, { delivery, event });
      const read = subscriptions.ofWorkspace(event.workspaceId).then((hooks) => limits.note(hooks));
      pushWhenKnown(deliveries.map((delivery) => ({ id: delivery._id, lane: delivery.subscriptionId })), read);
    },
    async idle() {
      while (reading.size > 0) await Promise.all(reading);
      await queue.idle();
    },
  };
}
