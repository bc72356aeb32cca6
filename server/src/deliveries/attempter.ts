import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { checkTargetUrl, TargetRefusedError, type TargetPolicy } from '../net/ssrf.js';
import { createEncryptor, type Encryptor } from '../crypto/encryption.js';
import { eventModel, type EventDoc } from '../events/model.js';
import { createEventPublisher } from '../events/publisher.js';
import { subscriptionCacheOf } from '../hooks/cache.js';
import type { HookDoc } from '../hooks/model.js';
import { announcePause } from '../hooks/paused-event.js';
import type { EngineConfig } from './engine.js';
import { deliveryModel, type DeliveryDoc, type DeliveryStatus } from './model.js';
import { classifyAttempt, type RetryPolicy } from './outcome.js';
import { prepareRequest } from './prepare.js';
import { createDeliveryWriter, settleSubscription, type PausePolicy } from './record.js';
import { refusedReason, type Sender, type SendResult } from './sender.js';
import type { Metrics } from '../metrics/metrics.js';
import { createSuccessStamps } from './success-stamps.js';

/**
 * How long a claim lasts without renewal: the HTTP deadline plus room for a slow database.
 * The holder renews it while it works (see keepLock), so a slow but live worker keeps its
 * attempt, while a killed worker's attempt is taken over within this time.
 */
export const leaseMs = (config: Pick<EngineConfig, 'WEBHOOK_TIMEOUT_MS'>): number => config.WEBHOOK_TIMEOUT_MS + 10_000;
const LOCK_RENEW_EVERY_MS = 3_000;

/** Extends this worker's lock on a delivery until stopped; a failed renewal is only logged (the next one may succeed). */
function keepLock(Deliveries: ReturnType<typeof deliveryModel>, deliveryId: string, owner: string, ttlMs: number, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    Deliveries.updateOne({ _id: deliveryId, lockedBy: owner }, { $set: { lockedUntil: new Date(Date.now() + ttlMs) } }).catch((error: unknown) =>
      logger.warn({ err: error, deliveryId }, 'could not renew a delivery lock'),
    );
  }, LOCK_RENEW_EVERY_MS);
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
  metrics: Metrics;
  /** Queues attempt n + 1 of a delivery for `at` (an Agenda job). */
  scheduleRetry(deliveryId: string, at: Date): Promise<unknown>;
}

/** A delivery fan-out just created locked to this process, and the event it carries. */
export interface FreshDelivery {
  delivery: DeliveryDoc;
  event: EventDoc;
}

/**
 * One attempt of one delivery, `claim → prepare → send → record`, for the engine's work queue;
 * `sent()` is called once the receiver has answered (its slot goes to the next delivery while
 * this outcome is recorded; the lock is renewed until it is).
 */
export type Attempter = (deliveryId: string, fresh?: FreshDelivery, sent?: () => void) => Promise<void>;

export function createAttempter({ connection, logger, config, sender, policy, metrics, scheduleRetry }: AttempterDeps): Attempter {
  const Deliveries = deliveryModel(connection);
  const Events = eventModel(connection);
  const subscriptions = subscriptionCacheOf(connection, config.SUBSCRIPTION_CACHE_MS);
  const writer = createDeliveryWriter(connection);
  // Deliveries of a pause announcement go out with the next sweep (this publisher starts no attempts).
  const announcements = createEventPublisher({ connection, cacheMs: config.SUBSCRIPTION_CACHE_MS });
  const encryptor: Encryptor = createEncryptor(config.ENCRYPTION_KEY);
  const retry: RetryPolicy = {
    scheduleMs: config.WEBHOOK_RETRY_SCHEDULE.map((seconds) => seconds * 1000),
    jitter: config.WEBHOOK_RETRY_JITTER,
    maxRetryAfterMs: config.WEBHOOK_MAX_RETRY_AFTER_SECONDS * 1000,
  };
  const pause: PausePolicy = { afterFailures: config.WEBHOOK_PAUSE_AFTER_FAILURES, afterHours: config.WEBHOOK_PAUSE_AFTER_HOURS };
  const successes = createSuccessStamps(connection, logger);

  /**
   * Exactly one worker may make an attempt: the claim is one conditional update of the
   * delivery (due, unfinished, its lock run out), which one caller wins. A holder that dies
   * lets its lock run out; the sweep then hands the same attempt to another worker.
   */
  const claim = (deliveryId: string, owner: string): Promise<DeliveryDoc | null> => {
    const now = new Date();
    return Deliveries.findOneAndUpdate(
      { _id: deliveryId, status: { $in: UNFINISHED }, nextAttemptAt: { $lte: now }, lockedUntil: { $lt: now } },
      { $set: { status: 'sending', lockedBy: owner, lockedUntil: new Date(now.getTime() + leaseMs(config)), updatedAt: now } },
      { returnDocument: 'after' },
    ).lean<DeliveryDoc>();
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

  return async (deliveryId, fresh, sent) => {
    // Created locked to this process moments ago by fan-out: already claimed.
    const handed = fresh && fresh.delivery.lockedUntil.getTime() > Date.now() ? fresh.delivery : null;
    const owner = handed?.lockedBy ?? randomUUID();
    const delivery = handed ?? (await claim(deliveryId, owner));
    if (!delivery) return; // not due, finished, or another worker holds it
    const renewal = keepLock(Deliveries, deliveryId, owner, leaseMs(config), logger);
    try {
      await attemptClaimed(delivery, owner, fresh?.event, sent);
    } finally {
      renewal.stop();
    }
  };

  async function attemptClaimed(delivery: DeliveryDoc, token: string, knownEvent?: EventDoc, sent?: () => void): Promise<void> {
    const deliveryId = delivery._id;
    // Events never change. The subscription may have been paused, deleted or given a new secret:
    // the cache's view is at most SUBSCRIPTION_CACHE_MS old, and read afresh unless it is active.
    const [event, hook] = await Promise.all([
      knownEvent ?? Events.findById(delivery.eventId).lean<EventDoc>(),
      subscriptions.forAttempt(delivery.workspaceId, delivery.subscriptionId),
    ]);
    if (!hook || !event || hook.status === 'paused') {
      if (!hook) await writer.abandon(deliveryId, token, 'the subscription was deleted');
      else if (!event) await writer.abandon(deliveryId, token, 'the event is past its retention');
      else await writer.hold(deliveryId, token);
      return;
    }

    const result = await send(delivery, event, hook);
    sent?.();
    const outcome = classifyAttempt(result, delivery.attemptCount + 1 - delivery.roundStart, retry);
    metrics.deliveryAttempts.inc({ outcome: outcome.kind });
    metrics.attemptDuration.observe({ outcome: outcome.kind }, result.durationMs / 1000);
    if (delivery.attemptCount === 0) metrics.firstAttemptLatency.observe((Date.now() - event.createdAt.getTime()) / 1000);
    const recorded = await writer.record(delivery, token, result, outcome);
    if (!recorded) {
      logger.warn({ deliveryId }, 'delivery lock ran out before its attempt was recorded');
      return;
    }
    if (outcome.kind === 'retry') await scheduleRetry(deliveryId, new Date(Date.now() + outcome.afterMs));
    else if (outcome.kind === 'delivered') await successes.stamp(hook._id, new Date());
    else {
      const paused = await settleSubscription(connection, hook, outcome, pause);
      if (paused) await announcePause(announcements, paused, paused.pausedReason ?? '', paused.pausedAt ?? new Date());
    }
  }
}
const UNFINISHED: DeliveryStatus[] = ['pending', 'sending'];
