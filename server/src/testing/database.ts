import { randomBytes } from 'node:crypto';
import mongoose, { type ConnectOptions, type Connection } from 'mongoose';

/** The database server of this test run, started by the jest global setup. */
export function testServerUri(): string {
  const uri = process.env.NEBULAHEX_TEST_MONGODB_URI;
  if (!uri) throw new Error('NEBULAHEX_TEST_MONGODB_URI is not set: run the tests with `npm test`');
  return uri;
}

/** A connection string to a database no other test uses. */
export function freshDatabaseUri(): string {
  const base = testServerUri();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Connects to a fresh database; drop it with `dropTestDatabase`. */
export async function connectTestDatabase(uri = freshDatabaseUri(), options: ConnectOptions = {}): Promise<Connection> {
  return mongoose.createConnection(uri, options).asPromise();
}

export async function dropTestDatabase(connection: Connection): Promise<void> {
  await connection.dropDatabase().catch(() => {});
  await connection.close();
}

/** Two connections to one fresh database, as two server processes would have; `close` drops it. */
export async function connectTwice(): Promise<{ first: Connection; second: Connection; close(): Promise<void> }> {
  const uri = freshDatabaseUri();
  const first = await connectTestDatabase(uri);
  const second = await connectTestDatabase(uri);
  return {
    first,
    second,
    close: async () => {
      await second.close();
      await dropTestDatabase(first);
    },
  };
}
