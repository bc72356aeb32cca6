import { once } from 'node:events';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import mongoose from 'mongoose';
import { ConfigError, loadConfig, type Config } from './config.js';
import { resolveSecrets } from './boot/secrets.js';
import { createLogger } from './logger.js';
import { startDatabase } from './db/embedded.js';
import { createScheduler } from './scheduler/agenda.js';
import { createApp } from './app.js';
import { createEventPublisher } from './events/publisher.js';

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
  const config = await resolveSecrets(readConfig());
  const logger = createLogger(config);
  const database = await startDatabase({
    mongodbUri: config.MONGODB_URI,
    dataDir: resolve(config.DATA_DIR, 'db'),
    log: (line) => logger.info(line),
  });
  logger.info({ database: database.description }, 'database ready');

  const uri = config.MONGODB_URI ?? `${database.uri}/${config.MONGODB_DB}`;
  const connection = await mongoose.createConnection(uri).asPromise();
  const agenda = createScheduler(connection, { name: `${config.ROLE}-${process.pid}`, concurrency: config.WORKER_CONCURRENCY });
  const events = createEventPublisher({ connection });
  let schedulerReady = false;
  if (config.ROLE === 'api') {
    await agenda.ready; // schedules jobs, never runs them
  } else {
    await agenda.start();
  }
  schedulerReady = true;

  let server: Server | undefined;
  if (config.ROLE !== 'worker') {
    const app = createApp({ config, deps: { connection, agenda, logger, events, isSchedulerReady: () => schedulerReady } });
    server = app.listen(config.PORT, config.HOST);
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info({ role: config.ROLE }, `NebulaHex API listening on ${config.PUBLIC_URL ?? `http://${config.HOST}:${port}`}`);
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
    await agenda.drain({ timeout: SHUTDOWN_GRACE_MS, closeConnection: false });
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
