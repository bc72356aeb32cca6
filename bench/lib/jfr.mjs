// BENCH_PROFILE=1: where the embedded database's CPU goes, from Java Flight Recorder (part of
// the JDK the database runs on). Every Java thread's CPU is grouped by the thread's role, and
// the execution samples by what the top frames are doing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAX_OUTPUT = 512 * 2 ** 20;

/** Starts a recording of the database process; `stop()` ends it and answers the summary. */
export async function recordDatabase(pid, file) {
  await run('jcmd', [String(pid), 'JFR.start', 'name=bench', 'settings=profile', `filename=${file}`]);
  return {
    async stop() {
      await run('jcmd', [String(pid), 'JFR.stop', 'name=bench']);
      return summariseRecording(file);
    },
  };
}

/** Thread roles: the JIT compilers, the request handlers, H2's writers, the garbage collector. */
const threadRole = (name) =>
  /Compiler/.test(name) ? 'JIT compiler' : /mongo-server-worker|nioEventLoop/.test(name) ? 'request handling' : /MVStore|H2|serialization|save/.test(name) ? 'H2 storage threads' : /GC|VM Thread/.test(name) ? 'GC / VM' : 'other';

/** What a sample is doing, by the first frame of ours or a library's that says it. */
const ACTIVITIES = [
  ['Java serialization of stored documents', /java\.io\.Object(Output|Input)Stream|ObjectDataType/],
  ['query matching (documents scanned)', /DefaultQueryMatcher|documentMatchesQuery|queryDocuments|Cursor\.hasNext/],
  ['H2 pages and commits', /org\.h2\.mvstore/],
  ['BSON and wire protocol', /de\.bwaldvogel\.mongo\.wire|bson/],
  ['updates and projections', /de\.bwaldvogel\.mongo\.backend\.(FieldUpdates|AbstractMongoCollection\.(update|modify)|Projection)/],
  ['network (netty)', /io\.netty/],
];

async function summariseRecording(file) {
  const threads = new Map();
  const load = await run('jfr', ['print', '--events', 'jdk.ThreadCPULoad', file], { maxBuffer: MAX_OUTPUT });
  for (const event of load.stdout.split('jdk.ThreadCPULoad').slice(1)) {
    const name = /eventThread = "([^"]+)"/.exec(event)?.[1];
    const user = Number(/user = ([\d.]+)%/.exec(event)?.[1] ?? 0);
    const system = Number(/system = ([\d.]+)%/.exec(event)?.[1] ?? 0);
    if (name) threads.set(threadRole(name), (threads.get(threadRole(name)) ?? 0) + user + system);
  }
  const activities = new Map();
  let samples = 0;
  const execution = await run('jfr', ['print', '--events', 'jdk.ExecutionSample', file], { maxBuffer: MAX_OUTPUT });
  for (const sample of execution.stdout.split('jdk.ExecutionSample').slice(1)) {
    const frames = [...sample.matchAll(/^\s+([\w.$<>]+)\(/gm)].map((match) => match[1]);
    if (frames.length === 0) continue;
    samples += 1;
    const activity = ACTIVITIES.find(([, pattern]) => frames.some((frame) => pattern.test(frame)))?.[0] ?? 'other';
    activities.set(activity, (activities.get(activity) ?? 0) + 1);
  }
  const share = (map, total) => [...map.entries()].sort((a, b) => b[1] - a[1]).map(([what, value]) => ({ what, percent: (100 * value) / total }));
  const threadTotal = [...threads.values()].reduce((sum, value) => sum + value, 0) || 1;
  return { threads: share(threads, threadTotal), activities: share(activities, samples || 1), samples };
}
