import { once } from 'node:events';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import mongoose from 'mongoose';
import { ConfigError, describeTargetGuards, loadConfig, type Config } from './config.js';
import { makeDataDirPrivate } from './boot/data-dir.js';
import { boundHeapGrowth } from './boot/heap.js';
import { resolveSecrets } from './boot/secrets.js';
import { createLogger } from './logger.js';
import { startDatabase } from './db/embedded.js';
import { createScheduler, stopScheduler } from './scheduler/agenda.js';
import { createApp } from './app.js';
import { createEventPublisher } from './events/publisher.js';
import { demoBanner, demoPortalLink, seedDemo, shouldSeedDemo } from './demo/seed.js';
import { createDeliveryEngine } from './deliveries/engine.js';
import { defineDeliveryJobs, scheduleDeliveryJobs } from './deliveries/jobs.js';
import { createMetrics } from './metrics/metrics.js';
import { countDatabaseCommands } from './metrics/database-gauges.js';

const SHUTDOWN_GRACE_MS = 30_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${error.message}\nThe server did not start. Fix the variables above (see README, "Configuration").`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const settings = readConfig();
  boundHeapGrowth(settings.HEAP_GROWTH_PERCENT);
  if (!settings.MONGODB_URI) {
    // DATA_DIR holds the embedded database and the generated secrets. The umask makes what
    // this process and the database it starts create there private (0600 files, 0700 folders).
    process.umask(0o077);
    await makeDataDirPrivate(settings.DATA_DIR);
  }
  const config = await resolveSecrets(settings);
  const logger = createLogger(config);
  // Agenda's backend answers some database errors (a dropped connection, say) with a promise
  // nobody awaits. A transient error must not take a worker down: the lock on every delivery
  // makes any interrupted work safe to pick up again.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection (the process keeps running)'));
  const guards = describeTargetGuards(config);
  if (guards.relaxed) logger.warn(guards.line);
  else logger.info(guards.line);
  const database = await startDatabase({
    mongodbUri: config.MONGODB_URI,
    dataDir: resolve(config.DATA_DIR, 'db'),
    maxHeap: config.EMBEDDED_DB_MAX_HEAP,
    durability: config.EMBEDDED_DB_DURABILITY,
    log: (line) => logger.info(line),
  });
  logger.info({ database: database.description }, 'database ready');

  const uri = config.MONGODB_URI ?? `${database.uri}/${config.MONGODB_DB}`;
  const connection = await mongoose.createConnection(uri, { monitorCommands: true }).asPromise();
  const metrics = createMetrics({ processMetrics: true });
  countDatabaseCommands(metrics, connection);
  const agenda = createScheduler(connection, { name: `${config.ROLE}-${process.pid}`, concurrency: config.WORKER_CONCURRENCY });
  agenda.on('error', (error) => logger.error({ err: error }, 'scheduler error'));
  const sendsInProcess = config.ROLE !== 'api';
  const deliveries = createDeliveryEngine({ connection, agenda, logger, config, sendsInProcess, metrics });
  const events = createEventPublisher({ connection, deliveries, cacheMs: config.SUBSCRIPTION_CACHE_MS });
  let schedulerReady = false;
  if (sendsInProcess) {
    defineDeliveryJobs({ agenda, engine: deliveries, connection, logger, config });
    await agenda.start();
    await scheduleDeliveryJobs({ agenda, config });
    // A worker that starts picks up what a crashed one left, without waiting for the sweep.
    await deliveries.sweep();
  } else {
    await agenda.ready; // hands deliveries to the workers, never runs jobs
  }
  schedulerReady = true;

  let server: Server | undefined;
  if (config.ROLE !== 'worker') {
    const app = createApp({ config, deps: { connection, agenda, logger, events, deliveries, metrics, isSchedulerReady: () => schedulerReady } });
    server = app.listen(config.PORT, config.HOST);
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const baseUrl = config.PUBLIC_URL ?? `http://${config.HOST}:${port}`;
    logger.info({ role: config.ROLE }, `NebulaHex API listening on ${baseUrl}`);
    logger.info(
      config.OAUTH_ZAPIER_CLIENT_ID
        ? `OAuth: the Zapier client "${config.OAUTH_ZAPIER_CLIENT_ID}" may connect through ${baseUrl}/oauth/auth`
        : 'OAuth: no client registered (set OAUTH_ZAPIER_CLIENT_ID, OAUTH_ZAPIER_CLIENT_SECRET and OAUTH_ZAPIER_REDIRECT_URIS to connect Zapier)',
    );
    if (shouldSeedDemo(config)) {
      // The out-of-the-box path: a newcomer gets a key and requests to paste (never with a real MongoDB).
      const seed = await seedDemo({ connection, events, config });
      const portalLink = await demoPortalLink(connection, config, baseUrl);
      process.stdout.write(`${demoBanner(baseUrl, config.INTERNAL_API_TOKEN, seed, portalLink)}\n`);
    }
  } else {
    logger.info('NebulaHex delivery worker running');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: finishing in-flight work (up to ${SHUTDOWN_GRACE_MS / 1000} s)…`);
    schedulerReady = false;
    const force = setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    if (server) {
      const closed = once(server, 'close');
      server.close();
      server.closeIdleConnections();
      await closed;
    }
    await stopScheduler(agenda, SHUTDOWN_GRACE_MS);
    await Promise.race([deliveries.idle(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
    await deliveries.close();
    await connection.close();
    await database.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('The server failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
