import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { guardedLookup, type TargetPolicy } from '../net/ssrf.js';
import type { RuntimeConfig } from '../config.js';
import type { EventDoc } from '../events/model.js';
import { createAttempter, leaseMs } from './attempter.js';
import { createBatcher } from './batcher.js';
import type { DeliveryClaim } from './fanout.js';
import { createEngineQueue } from './engine-queue.js';
import { jobDataOf, RELEASE_DELAY_MS, type DeliveryRef } from './lanes.js';
import { deliveryModel, type DeliveryDoc } from './model.js';
import { createSender } from './sender.js';
import type { Metrics } from '../metrics/metrics.js';

export { leaseMs } from './attempter.js';
export type { DeliveryRef } from './lanes.js';

export const DELIVERY_JOBS = {
  /** The next attempt of the deliveries whose retry falls due in one second. */
  attempt: 'webhook-attempt',
  /** Deliveries handed over by an API-only process, to be sent by a worker now. */
  dispatch: 'webhook-dispatch',
  /** Finds unfinished deliveries that are due and not leased (a crashed worker's, a lost job's). */
  sweep: 'webhook-sweep',
  retention: 'webhook-retention',
} as const;

export type EngineConfig = Pick<
  RuntimeConfig,
  | 'ENCRYPTION_KEY'
  | 'WEBHOOK_TIMEOUT_MS'
  | 'WEBHOOK_RETRY_SCHEDULE'
  | 'WEBHOOK_RETRY_JITTER'
  | 'WEBHOOK_MAX_RETRY_AFTER_SECONDS'
  | 'WEBHOOK_ALLOW_HTTP'
  | 'WEBHOOK_ALLOW_PRIVATE_TARGETS'
  | 'WEBHOOK_PAUSE_AFTER_FAILURES'
  | 'WEBHOOK_PAUSE_AFTER_HOURS'
  | 'WEBHOOK_RESPONSE_EXCERPT_BYTES'
  | 'WORKER_CONCURRENCY'
  | 'WEBHOOK_ENDPOINT_CONCURRENCY'
  | 'WEBHOOK_ENDPOINT_BACKLOG'
  | 'SUBSCRIPTION_CACHE_MS'
>;

export interface DeliveryEngineDeps {
  connection: Connection;
  agenda: Agenda;
  logger: Logger;
  config: EngineConfig;
  /** True where this process sends (ROLE all|worker); an API-only process hands deliveries to the workers. */
  sendsInProcess: boolean;
  metrics: Metrics;
}

/** The webhook delivery engine: `prepare → send → record` for each delivery, leased so no two workers send one attempt. */
export interface DeliveryEngine {
  /** Starts the first attempt of new (or released) deliveries at once. */
  enqueue(deliveries: DeliveryRef[]): Promise<void>;
  /**
   * The claim under which fan-out creates deliveries this process attempts at once, or
   * null where an API-only process hands them to the workers.
   */
  freshClaim(): DeliveryClaim | null;
  /** Starts the first attempt of deliveries fan-out created under `freshClaim()`, with their event in hand. */
  startClaimed(event: EventDoc, deliveries: DeliveryDoc[]): void;
  /**
   * Claims each delivery if it is due and unleased, attempts it and records the outcome; resolves
   * once each is done, or was handed back to the database by a lane that was full.
   */
  attempt(deliveries: DeliveryRef | DeliveryRef[]): Promise<void>;
  /** Queues the due, unleased, unfinished deliveries; returns how many. */
  sweep(): Promise<number>;
  /** Resolves once this process has nothing queued or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** How long new deliveries of an API-only process, or retries due in one second, are gathered into one job. */
const HANDOFF_WINDOW_MS = 200;
const RETRY_BUCKET_MS = 1_000;
/**
 * A lane full and without a finished attempt for this long gets its new deliveries stored
 * unclaimed (FanOut's DeliveryClaim.declines). A busy endpoint's lane, full one moment and
 * with room the next, keeps them claimed: it will take most of them with their event in hand.
 */
const STALLED_LANE_MS = 1_000;

export function createDeliveryEngine(deps: DeliveryEngineDeps): DeliveryEngine {
  const { connection, agenda, logger, config } = deps;
  const policy: TargetPolicy = { allowHttp: config.WEBHOOK_ALLOW_HTTP, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS };
  const sender = createSender({
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    excerptBytes: config.WEBHOOK_RESPONSE_EXCERPT_BYTES,
    lookup: guardedLookup(policy),
    connectionsPerOrigin: config.WORKER_CONCURRENCY,
  });
  const retries = createBatcher<number, DeliveryRef>(HANDOFF_WINDOW_MS, async (deliveries, dueAt) => {
    await agenda.schedule(new Date(dueAt), DELIVERY_JOBS.attempt, jobDataOf(deliveries));
  });
  const attempter = createAttempter({
    connection,
    logger,
    config,
    sender,
    policy,
    metrics: deps.metrics,
    // Retries due in the same second share one job (rounded up: never earlier than due).
    scheduleRetry: (deliveryId, at) => {
      deps.metrics.retriesScheduled.inc();
      const subscriptionId = queue.laneOf(deliveryId); // the attempt is still running, so still in its lane
      const ref = subscriptionId ? { id: deliveryId, subscriptionId } : deliveryId;
      return retries.add([ref], Math.ceil(at.getTime() / RETRY_BUCKET_MS) * RETRY_BUCKET_MS);
    },
  });
  /** Due rows one sweep (or refill of a lane) queues at most. */
  const sweepPage = config.WORKER_CONCURRENCY * 4;
  let closed = false;
  /** Lanes being refilled, and the refills (idle() waits for them). */
  const refilling = new Map<string, Promise<void>>();
  /**
   * A lane that gave deliveries back to the database (its WEBHOOK_ENDPOINT_BACKLOG was full),
   * or whose due deliveries filled a sweep's page, takes its next page as soon as it runs low,
   * for as long as pages come back full. Without it such a backlog waited for the periodic
   * sweep: one page of WORKER_CONCURRENCY × 4 per WEBHOOK_SWEEP_SECONDS (13/s by default),
   * however fast the endpoint answered.
   */
  const refill = (lane: string, version: number): void => {
    if (closed || refilling.has(lane)) return;
    const work = (async () => {
      for (;;) {
        const { found, queued } = await sweepOnce([lane]);
        if (found >= sweepPage && queued > 0) return false; // more due: the lane asks again as it runs low
        // Deliveries a full lane gave back fall due RELEASE_DELAY_MS later: wait for those, then
        // take them if the lane has room (else it asks again as it runs low).
        const now = new Date();
        const next = await Deliveries.findOne({ subscriptionId: lane, status: 'pending', nextAttemptAt: { $gt: now }, lockedUntil: { $lt: now } }, { nextAttemptAt: 1 })
          .sort({ nextAttemptAt: 1 })
          .lean<{ nextAttemptAt: Date }>();
        const wait = next ? next.nextAttemptAt.getTime() - Date.now() : Infinity;
        if (wait > RELEASE_DELAY_MS || closed) return true;
        await delay(Math.max(0, wait) + 1, undefined, { ref: false });
        if (closed) return true;
        if (queue.saturatedLanes().includes(lane)) return false;
      }
    })()
      .catch((error: unknown) => {
        logger.warn({ err: error, subscriptionId: lane }, "could not read an endpoint's backlog; the periodic sweep takes it");
        return true;
      })
      .then((done) => {
        refilling.delete(lane);
        // Asks for this lane made while this refill ran were dropped: drained() asks again if it spilled since.
        if (done) queue.drained(lane, version);
        else queue.recheck(lane);
      });
    refilling.set(lane, work);
  };
  const { queue, admit, pushClaimed, idle } = createEngineQueue({
    connection,
    logger,
    concurrency: config.WORKER_CONCURRENCY,
    endpointConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY,
    endpointBacklog: config.WEBHOOK_ENDPOINT_BACKLOG,
    subscriptionCacheMs: config.SUBSCRIPTION_CACHE_MS,
    attempt: (id, handed, sent) => attempter(id, handed, sent).catch((error: unknown) => logger.error({ err: error, deliveryId: id }, 'delivery attempt crashed; the sweep will retry it')),
    onRoom: refill,
  });
  /** Queues a page of the due, unleased, unfinished deliveries: of `lanes`, or of every lane that can take more. */
  async function sweepOnce(lanes?: string[]): Promise<{ found: number; queued: number; rows: Array<{ _id: string; subscriptionId: string }> }> {
    const now = new Date();
    // Lanes with a full round waiting here are skipped: the sweep's rows go to the others.
    const due = await Deliveries.find(
      { status: { $in: ['pending', 'sending'] }, nextAttemptAt: { $lte: now }, lockedUntil: { $lt: now }, subscriptionId: lanes ? { $in: lanes } : { $nin: queue.saturatedLanes() } },
      { _id: 1, subscriptionId: 1 },
    )
      .sort({ nextAttemptAt: 1 })
      .limit(sweepPage)
      .lean<Array<{ _id: string; subscriptionId: string }>>();
    const refs = due.filter((row) => !queue.has(row._id)).map((row) => ({ id: row._id, subscriptionId: row.subscriptionId }));
    queue.push(await admit(refs));
    return { found: due.length, queued: refs.length, rows: due };
  }
  const Deliveries = deliveryModel(connection);
  const handoff = createBatcher<'new', DeliveryRef>(HANDOFF_WINDOW_MS, async (deliveries) => {
    await agenda.now(DELIVERY_JOBS.dispatch, jobDataOf(deliveries));
  });

  return {
    async enqueue(deliveries) {
      if (deliveries.length === 0) return;
      if (deps.sendsInProcess) queue.push(await admit(deliveries));
      else await handoff.add(deliveries, 'new');
    },
    freshClaim: () => (deps.sendsInProcess ? { owner: randomUUID(), lockedUntil: new Date(Date.now() + leaseMs(config)), declines: (lane) => queue.stalled(lane, STALLED_LANE_MS) } : null),
    startClaimed: pushClaimed,
    async attempt(deliveries) {
      const items = await admit(Array.isArray(deliveries) ? deliveries : [deliveries]);
      await Promise.all(items.map((item) => queue.run(item)));
    },
    async sweep() {
      const { found, queued, rows } = await sweepOnce();
      // A full page: more may be due than one page; their lanes refill themselves as they run low.
      if (found >= sweepPage) for (const lane of new Set(rows.map((row) => row.subscriptionId))) queue.spilled(lane);
      return queued;
    },
    async idle() {
      do {
        await Promise.all(refilling.values());
        await idle();
      } while (refilling.size > 0);
    },
    close: () => {
      closed = true;
      return sender.close();
    },
  };
}
