import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { checkTargetUrl, TargetRefusedError, type TargetPolicy } from '../net/ssrf.js';
import { createEncryptor, type Encryptor } from '../crypto/encryption.js';
import { eventModel, type EventDoc } from '../events/model.js';
import { hookModel, type HookDoc } from '../hooks/model.js';
import { acquireLease, releaseLease, renewLease, type Lease } from '../db/lease.js';
import type { EngineConfig } from './engine.js';
import { deliveryModel, type DeliveryDoc, type DeliveryStatus } from './model.js';
import { classifyAttempt, type RetryPolicy } from './outcome.js';
import { prepareRequest } from './prepare.js';
import { abandonDelivery, holdDelivery, recordAttempt, settleSubscription, type PausePolicy } from './record.js';
import { refusedReason, type Sender, type SendResult } from './sender.js';
import { createSuccessStamps } from './success-stamps.js';

/**
 * How long a claim lasts without renewal: the HTTP deadline plus room for a slow database.
 * The holder renews it while it works (see keepLease), so a slow but live worker keeps its
 * attempt, while a killed worker's attempt is taken over within this time.
 */
export const leaseMs = (config: Pick<EngineConfig, 'WEBHOOK_TIMEOUT_MS'>): number => config.WEBHOOK_TIMEOUT_MS + 10_000;
const LEASE_RENEW_EVERY_MS = 3_000;

/** Renews `lease` until stopped; a failed renewal is only logged (the next one may succeed). */
function keepLease(connection: Connection, lease: Lease, ttlMs: number, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    renewLease(connection, lease, ttlMs).catch((error: unknown) => logger.warn({ err: error, lease: lease.resource }, 'could not renew a delivery lease'));
  }, LEASE_RENEW_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * The policy may have changed since subscription. Host names are checked when the pool
 * connects (guardedLookup, which also defeats DNS rebinding); Node skips lookup for IP
 * literals, so those are checked here.
 */
async function checkBeforeSend(url: string, policy: TargetPolicy): Promise<void> {
  const host = URL.canParse(url) ? new URL(url).hostname.replace(/^\[(.*)\]$/, '$1') : '';
  await checkTargetUrl(url, isIP(host) === 0 ? { ...policy, allowPrivate: true } : policy);
}

export interface AttempterDeps {
  connection: Connection;
  logger: Logger;
  config: EngineConfig;
  sender: Sender;
  policy: TargetPolicy;
  /** Queues attempt n + 1 of a delivery for `at` (an Agenda job). */
  scheduleRetry(deliveryId: string, at: Date): Promise<unknown>;
}

/** A delivery fan-out just created locked to this process, and the event it carries. */
export interface FreshDelivery {
  delivery: DeliveryDoc;
  event: EventDoc;
}

/** One attempt of one delivery, `claim → prepare → send → record`, for the engine's work queue. */
export function createAttempter({ connection, logger, config, sender, policy, scheduleRetry }: AttempterDeps): (deliveryId: string, fresh?: FreshDelivery) => Promise<void> {
  const Deliveries = deliveryModel(connection);
  const Events = eventModel(connection);
  const Hooks = hookModel(connection);
  const encryptor: Encryptor = createEncryptor(config.ENCRYPTION_KEY);
  const retry: RetryPolicy = {
    scheduleMs: config.WEBHOOK_RETRY_SCHEDULE.map((seconds) => seconds * 1000),
    jitter: config.WEBHOOK_RETRY_JITTER,
    maxRetryAfterMs: config.WEBHOOK_MAX_RETRY_AFTER_SECONDS * 1000,
  };
  const pause: PausePolicy = { afterFailures: config.WEBHOOK_PAUSE_AFTER_FAILURES, afterHours: config.WEBHOOK_PAUSE_AFTER_HOURS };
  const successes = createSuccessStamps(connection, logger);

  /**
   * Exactly one worker may make attempt n of a delivery: the lease on `delivery:<id>:<n>` is
   * taken by a unique insert, which is atomic on FerretDB 1.x too (a conditional
   * findOneAndUpdate is not there). A holder that dies lets the lease expire; the sweep
   * then hands the same attempt to another worker.
   *
   * `seen` is the delivery as read before the lease (or as fan-out created it). The first
   * generation of the lease proves nobody else ever held attempt n, so `seen` is still
   * current; a later generation means a holder ran out of time, and the delivery is read
   * again in case it recorded the attempt after all.
   */
  const claim = async (seen: DeliveryDoc, owner: string): Promise<{ delivery: DeliveryDoc; lease: Lease } | null> => {
    const lease = await acquireLease(connection, `delivery:${seen._id}:${seen.attemptCount + 1}`, owner, leaseMs(config));
    if (!lease) return null;
    let delivery = seen;
    if (lease.generation > 1) {
      const current = await Deliveries.findById(seen._id).lean<DeliveryDoc>();
      if (!current || current.attemptCount !== seen.attemptCount || !UNFINISHED.includes(current.status)) {
        await releaseLease(connection, lease, { done: false });
        return null;
      }
      delivery = current;
    }
    if (delivery.status === 'sending' && delivery.lockedBy === owner) return { delivery, lease }; // created claimed by fan-out
    const now = new Date();
    const lockedUntil = new Date(now.getTime() + leaseMs(config));
    await Deliveries.updateOne({ _id: seen._id }, { $set: { status: 'sending', lockedBy: owner, lockedUntil, updatedAt: now } });
    return { delivery: { ...delivery, status: 'sending', lockedBy: owner, lockedUntil }, lease };
  };

  const send = async (delivery: DeliveryDoc, event: EventDoc, hook: HookDoc): Promise<SendResult> => {
    try {
      await checkBeforeSend(hook.targetUrl, policy);
    } catch (error) {
      if (error instanceof TargetRefusedError) return { error: refusedReason(error), durationMs: 0, responseExcerpt: '' };
      throw error;
    }
    return sender.send(prepareRequest(delivery, event, hook, encryptor));
  };

  return async (deliveryId, fresh) => {
    let seen: DeliveryDoc | null;
    let owner: string;
    if (fresh && fresh.delivery.lockedUntil.getTime() > Date.now()) {
      // Created locked to this process moments ago: no read needed before the lease.
      seen = fresh.delivery;
      owner = fresh.delivery.lockedBy as string;
    } else {
      seen = await Deliveries.findById(deliveryId).lean<DeliveryDoc>();
      if (!seen || !isDue(seen, new Date())) return; // not due, finished, or another worker holds it
      owner = randomUUID();
    }
    const claimed = await claim(seen, owner);
    if (!claimed) return; // another worker holds it, or it has moved on
    const renewal = keepLease(connection, claimed.lease, leaseMs(config), logger);
    try {
      await attemptClaimed(claimed.delivery, claimed.lease, owner, fresh?.event);
    } finally {
      renewal.stop();
    }
  };

  async function attemptClaimed(delivery: DeliveryDoc, lease: Lease, token: string, knownEvent?: EventDoc): Promise<void> {
    const deliveryId = delivery._id;
    // The hook is always read: it may have been paused, deleted or given a new secret since fan-out. Events never change.
    const [event, hook] = await Promise.all([
      knownEvent ?? Events.findById(delivery.eventId).lean<EventDoc>(),
      Hooks.findById(delivery.subscriptionId).lean<HookDoc>(),
    ]);
    if (!hook || !event || hook.status === 'paused') {
      if (!hook) await abandonDelivery(connection, deliveryId, token, 'the subscription was deleted');
      else if (!event) await abandonDelivery(connection, deliveryId, token, 'the event is past its retention');
      else await holdDelivery(connection, deliveryId, token);
      return releaseLease(connection, lease, { done: false });
    }

    const result = await send(delivery, event, hook);
    const outcome = classifyAttempt(result, delivery.attemptCount + 1 - delivery.roundStart, retry);
    const recorded = await recordAttempt(connection, delivery, token, result, outcome);
    if (!recorded) {
      await releaseLease(connection, lease, { done: true });
      logger.warn({ deliveryId }, 'delivery lease ran out before its attempt was recorded');
      return;
    }
    // The lease is left to expire rather than released: the recorded attempt count already
    // sends any later claimant to attempt n + 1, and one write per delivery is saved.
    if (outcome.kind === 'retry') await scheduleRetry(deliveryId, new Date(Date.now() + outcome.afterMs));
    else if (outcome.kind === 'delivered') await successes.stamp(hook._id, new Date());
    else await settleSubscription(connection, hook._id, outcome, pause);
  }
}
const UNFINISHED: DeliveryStatus[] = ['pending', 'sending'];

/** Unfinished, its time has come, and no worker's lock on it is still running. */
function isDue(delivery: DeliveryDoc, now: Date): boolean {
  return UNFINISHED.includes(delivery.status) && delivery.nextAttemptAt <= now && delivery.lockedUntil < now;
}
