import type Router from '@koa/router';
import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import type { DeliveryEngine } from '../deliveries/engine.js';
import type { EventPublisher } from '../events/publisher.js';
import type { Metrics } from '../metrics/metrics.js';

/** What the app needs from the outside world; main.ts and the tests provide it. */
export interface AppDeps {
  connection: Connection;
  agenda: Agenda;
  logger: Logger;
  /** The one way to emit an event (stores it, then fans it out to subscriptions). */
  events: EventPublisher;
  /** Webhook delivery: starts first attempts (in this process, or through a worker for ROLE=api). */
  deliveries: DeliveryEngine;
  /** True once the scheduler has started (or, for an API-only process, is connected). */
  isSchedulerReady: () => boolean;
  /** This process's operator metrics (GET /metrics). */
  metrics: Metrics;
}

export interface CreateAppOptions {
  config: RuntimeConfig;
  deps: AppDeps;
}

/** What every router factory receives. */
export interface RouteFactoryOptions {
  config: RuntimeConfig;
  deps: AppDeps;
}

/** Builds one concept's router; paths are relative to its API (`/bots`, not `/api/v1/bots`). */
export type RouterFactory = (options: RouteFactoryOptions) => Router;

