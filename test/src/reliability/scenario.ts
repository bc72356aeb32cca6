import {
  callApi,
  createWorkspace,
  startTestApp,
  startTestReceiver,
  waitFor,
  type ReceivedRequest,
  type TestApp,
  type TestReceiver,
} from '@nebulahex/server/testing';
import { eventCatalog } from '@nebulahex/shared';
import { planAnswer, toReceiverAnswer, type FaultPlan } from './plan.js';
import { deliveryDiagnostics, platformRecords, type ReliabilityReport } from './report.js';
import { tally, type Receipt } from './tally.js';
import { startWorkerFleet, type WorkerFleet } from './workers.js';

export interface ReliabilityOptions {
  events: number;
  subscriptions: number;
  /** Worker processes running at once. */
  workers: number;
  /** SIGKILLs, spread evenly over the run; each killed worker is replaced at once. */
  kills: number;
  faults: FaultPlan;
  /** Per-attempt timeout of the platform (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Give up waiting for the platform to settle after this long; what is missing then is lost. */
  deadlineMs: number;
  /** Events published at once through the internal API. */
  publishConcurrency?: number;
  log?: (line: string) => void;
}

/** The event type the run publishes: no side effects on conversations, so any sample data is valid. */
const EVENT_TYPE = 'order.lookup';

/** The platform's settings, for the API (in this process) and the worker processes alike. */
function platformSettings(options: ReliabilityOptions) {
  return {
    WEBHOOK_ALLOW_HTTP: true,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: true,
    WEBHOOK_TIMEOUT_MS: options.timeoutMs,
    WEBHOOK_RETRY_SCHEDULE: [0.2, 0.5, 1, 2, 2, 2],
    WEBHOOK_RETRY_JITTER: 0,
    WEBHOOK_SWEEP_SECONDS: 0.5,
    WORKER_CONCURRENCY: 20,
    // The run polls the API: a limit it never reaches (10,000 a second).
    RATE_LIMIT_MAX: 10_000,
    RATE_LIMIT_WINDOW_SECONDS: 1,
  };
}

function workerEnv(app: TestApp & { databaseUri: string }, options: ReliabilityOptions): Record<string, string> {
  const settings = Object.entries(platformSettings(options)).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)]);
  return {
    ...Object.fromEntries(settings),
    ROLE: 'worker',
    MONGODB_URI: app.databaseUri,
    ENCRYPTION_KEY: app.config.ENCRYPTION_KEY,
    INTERNAL_API_TOKEN: app.config.INTERNAL_API_TOKEN,
    LOG_LEVEL: 'warn',
  };
}

/** A receiver that answers by the fault plan and writes down every request as a receipt. */
function recordingReceiver(receiver: TestReceiver, faults: FaultPlan): { receipts: Receipt[]; acknowledgedPairs: Set<string> } {
  const receipts: Receipt[] = [];
  const acknowledgedPairs = new Set<string>();
  const header = (request: ReceivedRequest, name: string) => String(request.headers[name] ?? '');
  receiver.respond((request) => {
    const deliveryId = header(request, 'x-nebulahex-delivery-id');
    const receipt: Receipt = {
      eventId: header(request, 'webhook-id'),
      hookId: header(request, 'x-nebulahex-hook-id'),
      deliveryId,
      attempt: Number(header(request, 'x-nebulahex-attempt')),
      receivedAt: request.receivedAt,
      answer: planAnswer(deliveryId, Number(header(request, 'x-nebulahex-attempt')), faults),
    };
    receipts.push(receipt);
    if (receipt.answer === 'ok') acknowledgedPairs.add(`${receipt.eventId}|${receipt.hookId}`);
    return toReceiverAnswer(receipt.answer, faults);
  });
  return { receipts, acknowledgedPairs };
}

const PROGRESS_EVERY_MS = 10_000;

/** Publishes `count` events through the internal API, `concurrency` at a time; returns their ids. */
async function publishEvents(app: TestApp, workspaceId: string, count: number, concurrency: number, onPublished: () => void): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const publishOne = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const response = await app.request('/internal/v1/events', {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ workspaceId, type: EVENT_TYPE, data: { ...eventCatalog[EVENT_TYPE].sample, orderId: `order-${next}` } }),
      });
      const body = (await response.json()) as { id: string };
      if (response.status !== 202) throw new Error(`POST /internal/v1/events answered ${response.status}: ${JSON.stringify(body)}`);
      ids.push(body.id);
      onPublished();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, publishOne));
  return ids;
}

/** Kills a worker each time another 1/(kills+1) of all deliveries has been acknowledged. */
async function killOnProgress(fleet: WorkerFleet, acknowledged: () => number, total: number, options: ReliabilityOptions): Promise<void> {
  for (let k = 1; k <= options.kills; k += 1) {
    const threshold = Math.ceil((total * k) / (options.kills + 1));
    await waitFor(() => acknowledged() >= threshold, { timeoutMs: options.deadlineMs, intervalMs: 20, message: `${threshold} acknowledged deliveries before kill ${k}` });
    await fleet.killOneAndReplace();
    options.log?.(`killed a worker with SIGKILL at ${acknowledged()}/${total} acknowledged deliveries; started a replacement`);
  }
}

/** Waits until every pair was acknowledged and no delivery is unfinished; false at the deadline. */
async function settle(app: TestApp, acknowledged: () => number, total: number, deadlineMs: number): Promise<boolean> {
  const deliveries = app.connection.collection('deliveries');
  const done = async () => acknowledged() >= total && (await deliveries.countDocuments({ status: { $in: ['pending', 'sending'] } })) === 0;
  return waitFor(done, { timeoutMs: deadlineMs, intervalMs: 200, message: 'every delivery to end' }).then(
    () => true,
    () => false,
  );
}

interface Setting {
  app: TestApp & { databaseUri: string };
  receiver: TestReceiver;
  fleet: WorkerFleet;
}

/** A workspace with `count` subscriptions to the run's event type, each on its own receiver path. */
async function subscribeAll(app: TestApp, receiver: TestReceiver, count: number): Promise<{ workspaceId: string; hookIds: string[] }> {
  const workspace = await createWorkspace(app, 'Reliability');
  const hookIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { status, body } = await callApi(app, '/hooks', { method: 'POST', headers: workspace.auth, body: { event: EVENT_TYPE, targetUrl: receiver.url(`/subscriber-${i}`) } });
    if (status !== 201) throw new Error(`POST /hooks answered ${status}: ${JSON.stringify(body)}`);
    hookIds.push(body.id as string);
  }
  return { workspaceId: workspace.workspaceId, hookIds };
}

async function measure({ app, receiver, fleet }: Setting, options: ReliabilityOptions): Promise<ReliabilityReport> {
  const { receipts, acknowledgedPairs } = recordingReceiver(receiver, options.faults);
  const { workspaceId, hookIds } = await subscribeAll(app, receiver, options.subscriptions);
  const total = options.events * options.subscriptions;
  const acknowledged = () => acknowledgedPairs.size;
  const started = Date.now();
  let published = 0;
  const ticker = setInterval(() => {
    options.log?.(`${Math.round((Date.now() - started) / 1000)} s: ${published}/${options.events} events published, ${acknowledged()}/${total} deliveries acknowledged`);
  }, PROGRESS_EVERY_MS);
  ticker.unref();
  let eventIds: string[];
  let settled: boolean;
  try {
    [eventIds] = await Promise.all([
      publishEvents(app, workspaceId, options.events, options.publishConcurrency ?? 8, () => (published += 1)),
      killOnProgress(fleet, acknowledged, total, options).catch((error: unknown) => options.log?.(String(error))),
    ]);
    options.log?.(`published ${eventIds.length} events in ${Date.now() - started} ms; waiting for every delivery to end`);
    settled = await settle(app, acknowledged, total, Math.max(0, started + options.deadlineMs - Date.now()));
  } finally {
    clearInterval(ticker);
  }
  const wallMs = Date.now() - started;
  const counts = tally({ eventIds, hookIds, receipts: [...receipts], killTimes: fleet.killTimes });
  const failed = fleet.unexpectedExits.length > 0 || !settled || counts.lost > 0 || counts.unexplainedRepeats > 0 || counts.pairsWithSeveralDeliveryIds > 0;
  const diagnostics = failed ? await deliveryDiagnostics(app, counts.unexplainedSamples.map((copies) => copies[0]?.deliveryId ?? '')) : [];
  return {
    ...counts,
    ...(await platformRecords(app)),
    subscriptions: hookIds.length,
    workersStarted: fleet.started,
    kills: fleet.killTimes.length,
    killTimes: fleet.killTimes,
    unexpectedExits: fleet.unexpectedExits,
    settled,
    wallMs,
    ...(failed ? { workerOutput: `${fleet.output()}\ndeliveries in question: ${JSON.stringify(diagnostics)}` } : {}),
  };
}

/**
 * The reliability run: the API in this process (ROLE=api, so it sends nothing itself),
 * `workers` worker processes of the built server on the same database, a receiver that
 * fails a share of attempts, and workers killed with SIGKILL along the way.
 */
export async function runReliability(options: ReliabilityOptions): Promise<ReliabilityReport> {
  const app = await startTestApp({ config: { ...platformSettings(options), ROLE: 'api' } });
  const receiver = await startTestReceiver();
  const fleet = startWorkerFleet(workerEnv(app, options), options.workers);
  try {
    return await measure({ app, receiver, fleet }, options);
  } finally {
    await fleet.stop();
    await receiver.close();
    await app.close();
  }
}

export { formatReport, type ReliabilityReport } from './report.js';
