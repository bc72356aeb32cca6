import type { Connection, QueryFilter } from 'mongoose';
import { paginate, type Page, type PageQuery } from '../db/paginate.js';
import { hookModel } from '../hooks/model.js';
import { ConflictError, GoneError, NotFoundError } from '../http/errors.js';
import type { DeliveryEngine } from './engine.js';
import { deliveryModel, type DeliveryDoc, type DeliveryStatus } from './model.js';
import { NO_LEASE } from './record.js';

export interface DeliveryServiceDeps {
  connection: Connection;
  deliveries: Pick<DeliveryEngine, 'enqueue'>;
}

const FINISHED: DeliveryStatus[] = ['succeeded', 'failed'];

export type DeliveryService = ReturnType<typeof createDeliveryService>;

/** Why a delivery that is not finished cannot be replayed, and what will happen to it instead. */
function notReplayable(delivery: DeliveryDoc): ConflictError {
  const message =
    delivery.status === 'held'
      ? 'This delivery is held because its subscription is paused: resume the subscription to send it. Only a succeeded or failed delivery can be replayed.'
      : FINISHED.includes(delivery.status)
        ? 'This delivery was just queued again by another request: it will be sent shortly.'
        : `This delivery is still ${delivery.status === 'sending' ? 'being sent' : `pending: its next attempt is due at ${delivery.nextAttemptAt.toISOString()}`}. Only a succeeded or failed delivery can be replayed.`;
  return new ConflictError(message, 'delivery_not_finished');
}

/** Looking at deliveries and sending finished ones again. */
export function createDeliveryService({ connection, deliveries }: DeliveryServiceDeps) {
  const Deliveries = deliveryModel(connection);
  const Hooks = hookModel(connection);

  /** A new round: the retry schedule starts over from the next attempt. */
  const requeue = async (filter: QueryFilter<DeliveryDoc>, statuses: DeliveryStatus[]): Promise<string[]> => {
    const rows = await Deliveries.find({ ...filter, status: { $in: statuses } }, { _id: 1, attemptCount: 1 }).sort({ _id: 1 }).lean<Array<Pick<DeliveryDoc, '_id' | 'attemptCount'>>>();
    if (rows.length === 0) return [];
    const now = new Date();
    await Deliveries.bulkWrite(
      rows.map((row) => ({
        updateOne: {
          filter: { _id: row._id, status: { $in: statuses } },
          update: { $set: { status: 'pending', roundStart: row.attemptCount, nextAttemptAt: now, lockedUntil: NO_LEASE, failureReason: null, completedAt: null, updatedAt: now } },
        },
      })),
    );
    const ids = rows.map((row) => row._id);
    await deliveries.enqueue(ids);
    return ids;
  };

  const find = async (workspaceId: string, id: string): Promise<DeliveryDoc> => {
    const delivery = await Deliveries.findOne({ _id: id, workspaceId }).lean<DeliveryDoc>();
    if (!delivery) throw new NotFoundError('The delivery', 'delivery_not_found');
    return delivery;
  };

  return {
    find,

    list(hookId: string, status: DeliveryStatus | undefined, page: PageQuery): Promise<Page<DeliveryDoc>> {
      return paginate(Deliveries, { subscriptionId: hookId, ...(status ? { status } : {}) }, page);
    },

    /** Every delivery of a subscription, newest first, for the CSV export. */
    cursor(hookId: string) {
      return Deliveries.find({ subscriptionId: hookId }).sort({ _id: -1 }).lean<DeliveryDoc>().cursor();
    },

    /**
     * Sends a finished delivery once more (same delivery and event ids). One still under
     * way, or held, is left alone and answered 409 saying what will happen to it.
     */
    async replay(workspaceId: string, id: string): Promise<void> {
      const delivery = await find(workspaceId, id);
      if (!(await Hooks.exists({ _id: delivery.subscriptionId }))) {
        throw new GoneError('The subscription of this delivery was deleted.', 'hook_deleted');
      }
      const requeued = await requeue({ _id: delivery._id }, FINISHED);
      if (requeued.length === 0) throw notReplayable(delivery);
    },

    /** Queues again every failed delivery of the subscription created since `since`. */
    async recover(hookId: string, since: Date): Promise<number> {
      const ids = await requeue({ subscriptionId: hookId, createdAt: { $gte: since } }, ['failed']);
      return ids.length;
    },
  };
}
