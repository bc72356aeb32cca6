import type { Connection } from 'mongoose';
import type { Encryptor } from '../crypto/encryption.js';
import type { DeliveryEngine } from '../deliveries/engine.js';
import { deliveryModel } from '../deliveries/model.js';
import { NO_LEASE } from '../deliveries/record.js';
import type { EventPublisher } from '../events/publisher.js';
import { NotFoundError } from '../http/errors.js';
import { maskHeaders, mergeHeaders, openHeaders, sealHeaders } from './headers.js';
import { forgetSubscriptions } from './cache.js';
import { hookModel, type HookDoc } from './model.js';
import { announcePause } from './paused-event.js';
import type { UpdateHookIn } from './schema.js';

export interface HookUpdaterDeps {
  connection: Connection;
  encryptor: Encryptor;
  events: EventPublisher;
  deliveries: Pick<DeliveryEngine, 'enqueue'>;
  find(workspaceId: string, id: string): Promise<HookDoc>;
  /** Refuses a target or bot the workspace may not use (422 naming the field). */
  checkTarget(targetUrl: string): Promise<void>;
  checkBot(workspaceId: string, botId: string | null): Promise<void>;
}

const notFound = () => new NotFoundError('The subscription', 'hook_not_found');

/** Changing an endpoint: its fields (PATCH), pausing by hand and resuming. */
export function createHookUpdater({ connection, encryptor, events, deliveries, find, checkTarget, checkBot }: HookUpdaterDeps) {
  const Hooks = hookModel(connection);
  const Deliveries = deliveryModel(connection);

  const setFields = async (workspaceId: string, id: string, fields: Partial<HookDoc>): Promise<HookDoc> => {
    const hook = await Hooks.findOneAndUpdate({ _id: id, workspaceId }, { $set: fields }, { returnDocument: 'after' }).lean<HookDoc>();
    forgetSubscriptions(connection, workspaceId);
    if (!hook) throw notFound();
    return hook;
  };

  /** Pauses an active endpoint (new deliveries are held) and announces it; a paused one is left as it is. */
  const pause = async (workspaceId: string, id: string, reason: string): Promise<HookDoc> => {
    const now = new Date();
    const paused = await Hooks.findOneAndUpdate({ _id: id, workspaceId, status: 'active' }, { $set: { status: 'paused', pausedReason: reason, pausedAt: now } }, { returnDocument: 'after' }).lean<HookDoc>();
    forgetSubscriptions(connection, workspaceId);
    if (!paused) return find(workspaceId, id);
    await announcePause(events, paused, reason, now);
    return paused;
  };

  /** Reactivates a paused subscription and sends what was held, oldest first. */
  const resume = async (workspaceId: string, id: string): Promise<HookDoc> => {
    await find(workspaceId, id);
    const now = new Date();
    const hook = await setFields(workspaceId, id, { status: 'active', pausedReason: null, pausedAt: null, failuresCountedFrom: now });
    const held = await Deliveries.find({ subscriptionId: id, status: 'held' }, { _id: 1 }).sort({ _id: 1 }).lean<Array<{ _id: string }>>();
    const ids = held.map((row) => row._id);
    await Deliveries.updateMany({ _id: { $in: ids }, status: 'held' }, { $set: { status: 'pending', nextAttemptAt: now, lockedUntil: NO_LEASE, updatedAt: now } });
    await deliveries.enqueue(ids);
    return hook;
  };

  /** PATCH: checks what changes like creation does, then pauses or resumes last. */
  const update = async (workspaceId: string, id: string, input: UpdateHookIn, pausedBy: string): Promise<HookDoc> => {
    const hook = await find(workspaceId, id);
    const fields: Partial<HookDoc> = {};
    if (input.targetUrl !== undefined) {
      await checkTarget(input.targetUrl);
      fields.targetUrl = input.targetUrl;
    }
    if (input.botId !== undefined) {
      await checkBot(workspaceId, input.botId);
      fields.botId = input.botId;
    }
    if (input.description !== undefined) fields.description = input.description;
    if (input.maxConcurrency !== undefined) fields.maxConcurrency = input.maxConcurrency;
    if (input.events !== undefined) Object.assign(fields, { events: input.events, event: input.events[0] });
    if (input.headers !== undefined) {
      const headers = mergeHeaders(openHeaders(encryptor, hook.sealedHeaders), input.headers);
      Object.assign(fields, { sealedHeaders: sealHeaders(encryptor, headers), maskedHeaders: maskHeaders(headers) });
    }
    let updated = Object.keys(fields).length > 0 ? await setFields(workspaceId, id, fields) : hook;
    if (input.paused === true) updated = await pause(workspaceId, id, `paused by hand (${pausedBy})`);
    if (input.paused === false && updated.status === 'paused') updated = await resume(workspaceId, id);
    return updated;
  };

  return { update, pause, resume };
}
