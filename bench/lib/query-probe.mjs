// Evidence for "what bounds it": how the database answers the delivery path's lookups.
// Times a lookup by _id and by a secondary field on the server's deliveries collection (the
// embedded database scans for the latter; a real MongoDB uses the declared index).
import { MongoClient } from 'mongodb';

async function timed(run, times = 10) {
  const started = performance.now();
  for (let n = 0; n < times; n += 1) await run();
  return (performance.now() - started) / times;
}

/** Plain small inserts into a scratch database, `concurrency` at a time for `durationMs`: the database's own write rate. */
async function insertsPerSecond(client, concurrency = 8, durationMs = 5_000) {
  const scratch = client.db('bench_scratch').collection('writes');
  const deadline = performance.now() + durationMs;
  let inserted = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      await scratch.insertOne({ at: new Date(), payload: 'x'.repeat(200) });
      inserted += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const rate = inserted / ((performance.now() - started) / 1000);
  await client.db('bench_scratch').dropDatabase();
  return rate;
}

/** Answers collection sizes, mean lookup times in ms and the database's own write rate. */
export async function probeQueries(uri, dbName) {
  const client = await new MongoClient(uri, { directConnection: true }).connect();
  try {
    const db = client.db(dbName);
    const deliveries = db.collection('deliveries');
    const sample = await deliveries.findOne({});
    if (!sample) return null;
    const byIdFilter = { _id: sample._id };
    const byEventFilter = { eventId: sample.eventId };
    return {
      deliveries: await deliveries.estimatedDocumentCount(),
      events: await db.collection('events').estimatedDocumentCount(),
      byIdMs: await timed(() => deliveries.findOne(byIdFilter)),
      // The shape the server asks (a republished event's deliveries, fanout.ts): the unique index's whole key.
      byEventAndSubscriptionMs: await timed(() => deliveries.find({ ...byEventFilter, subscriptionId: { $in: [sample.subscriptionId] } }, { projection: { _id: 1 } }).toArray()),
      // No server query asks by eventId alone; mongo-java-server's planner uses no index for a prefix of a compound key.
      byEventIdMs: await timed(() => deliveries.find(byEventFilter).toArray()),
      insertsPerSecond: await insertsPerSecond(client),
    };
  } finally {
    await client.close();
  }
}
