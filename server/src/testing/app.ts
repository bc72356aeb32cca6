import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import { pino } from 'pino';
import type Koa from 'koa';
import { createApp } from '../app.js';
import { testConfig, type Config, type RuntimeConfig } from '../config.js';
import { createScheduler, stopScheduler } from '../scheduler/agenda.js';
import { createEventPublisher } from '../events/publisher.js';
import { createDeliveryEngine, type DeliveryEngine } from '../deliveries/engine.js';
import { defineDeliveryJobs, scheduleDeliveryJobs } from '../deliveries/jobs.js';
import { connectTestDatabase, dropTestDatabase, freshDatabaseUri } from './database.js';
import { createMetrics } from '../metrics/metrics.js';
import { countDatabaseCommands } from '../metrics/database-gauges.js';

export interface TestApp {
  /** `http://127.0.0.1:<port>` of the running app. */
  baseUrl: string;
  app: Koa;
  config: RuntimeConfig;
  connection: Connection;
  agenda: Agenda;
  /** The webhook delivery engine of this app (in-process first attempts; retries need `startScheduler`). */
  deliveries: DeliveryEngine;
  /** Its database: another app started with it shares the data, as a second process would. */
  databaseUri: string;
  /** fetch() against the app: `request('/api/v1/bots', {headers})`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  config?: Partial<Config>;
  /** Another app's database, to run two app instances on one database. */
  databaseUri?: string;
  /** Start Agenda's job processing (off by default: most tests need only scheduling). */
  startScheduler?: boolean;
}

/** The real app on a fresh database, listening on 127.0.0.1 on a free port. */
export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(options.config);
  const databaseUri = options.databaseUri ?? freshDatabaseUri();
  const connection = await connectTestDatabase(databaseUri, { monitorCommands: true });
  const metrics = createMetrics();
  countDatabaseCommands(metrics, connection);
  const agenda = createScheduler(connection, { name: 'test', concurrency: 10, processEveryMs: 100 });
  const logger = pino({ level: 'silent' });
  const deliveries = createDeliveryEngine({ connection, agenda, logger, config, sendsInProcess: config.ROLE !== 'api', metrics });
  if (options.startScheduler) {
    defineDeliveryJobs({ agenda, engine: deliveries, connection, logger, config });
    await agenda.start();
    await scheduleDeliveryJobs({ agenda, config });
  } else {
    await agenda.ready;
  }
  const events = createEventPublisher({ connection, deliveries, cacheMs: config.SUBSCRIPTION_CACHE_MS });
  const app = createApp({ config, deps: { connection, agenda, logger, events, deliveries, metrics, isSchedulerReady: () => true } });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    app,
    config,
    connection,
    agenda,
    deliveries,
    databaseUri,
    request: (path, init) => fetch(`${baseUrl}${path}`, init),
    close: async () => {
      server.closeAllConnections();
      server.close();
      // Running jobs finish first: one left running would query a closed connection and hold jest open.
      if (options.startScheduler) await stopScheduler(agenda, 10_000);
      else await agenda.stop(false);
      await deliveries.idle();
      await deliveries.close();
      if (options.databaseUri) await connection.close();
      else await dropTestDatabase(connection);
    },
  };
}
