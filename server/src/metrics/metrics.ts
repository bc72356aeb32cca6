import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The operator metrics of one process, in their own registry (tests run many apps in one
 * process). `GET /metrics` serves them in Prometheus's text format (see routes.ts).
 */
export function createMetrics({ processMetrics = false }: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  // CPU, memory, GC and event-loop lag (nodejs_eventloop_lag_*): once per real process.
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    deliveryAttempts: new Counter({ name: 'nebulahex_delivery_attempts_total', help: 'Delivery attempts by outcome (delivered, retry, gone, exhausted).', labelNames: ['outcome'], registers }),
    attemptDuration: new Histogram({ name: 'nebulahex_delivery_attempt_duration_seconds', help: 'Duration of one delivery attempt, request to response.', labelNames: ['outcome'], buckets: SECONDS, registers }),
    firstAttemptLatency: new Histogram({ name: 'nebulahex_delivery_first_attempt_latency_seconds', help: 'From the event being stored to the end of its first delivery attempt.', buckets: SECONDS, registers }),
    retriesScheduled: new Counter({ name: 'nebulahex_delivery_retries_scheduled_total', help: 'Retries put on the schedule after a failed attempt.', registers }),
    databaseCommands: new Counter({ name: 'nebulahex_db_commands_total', help: 'MongoDB commands this process sent, by command name.', labelNames: ['command'], registers }),
    httpRequests: new Counter({ name: 'nebulahex_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers }),
    rateLimited: new Counter({ name: 'nebulahex_rate_limited_total', help: 'Requests refused with 429 by the per-key rate limit.', registers }),
    /** Filled at scrape time from the database (see database-gauges.ts). */
    backlog: new Gauge({ name: 'nebulahex_delivery_backlog', help: 'Unfinished deliveries: due (pending, due now), scheduled (pending, later), sending, held.', labelNames: ['state'], registers }),
    pausedSubscriptions: new Gauge({ name: 'nebulahex_subscriptions_paused', help: 'Subscriptions paused after sustained failure.', registers }),
    documentsScanned: new Gauge({ name: 'nebulahex_db_documents_scanned', help: "Documents the database has read to answer queries since it started (serverStatus metrics.queryExecutor.scannedObjects; absent where serverStatus is not allowed).", registers }),
    sweepLastRun: new Gauge({ name: 'nebulahex_delivery_sweep_last_run_timestamp_seconds', help: 'When any worker last finished the crash sweep (Unix seconds; 0 = never).', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
