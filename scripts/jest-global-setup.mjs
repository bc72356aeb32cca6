// Starts one embedded database for the whole run (or uses MONGODB_URI); each test file
// then works in a database of its own on it (server/src/testing/database.ts).
import { startDatabase } from '../server/dist/db/embedded.js';

export default async function globalSetup() {
  const database = await startDatabase({
    mongodbUri: process.env.MONGODB_URI,
    maxHeap: process.env.EMBEDDED_DB_MAX_HEAP ?? '2g',
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.env.NEBULAHEX_TEST_MONGODB_URI = database.uri;
  globalThis.__nebulahexDatabase = database;
}
