// Starts one embedded database for the whole run (or uses MONGODB_URI); each test file
// then works in a database of its own on it (server/src/testing/database.ts).
import { startDatabase } from '../server/dist/db/embedded.js';

export default async function globalSetup() {
  const database = await startDatabase({
    mongodbUri: process.env.MONGODB_URI,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.env.NEBULAHEX_TEST_MONGODB_URI = database.uri;
  if (database.kind === 'ferretdb') {
    // Engineers read this at every run: the one FerretDB gap that silently breaks correct-looking code.
    process.stdout.write(
      '\nFerretDB 1.x: findOneAndUpdate, conditional updateOne and $inc are NOT atomic under concurrency\n' +
        '(two callers can both "win"; concurrent $inc loses updates). Unique-key inserts ARE atomic.\n' +
        'For mutual exclusion use server/src/db/lease.ts (acquireLease/releaseLease); for one-off Agenda jobs\n' +
        'server/src/scheduler/once.ts (defineOneOffJob); for counters insert a record per event and count.\n\n',
    );
  }
  globalThis.__nebulahexDatabase = database;
}
