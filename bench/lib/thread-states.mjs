// Where the embedded database's request threads are while a load runs: a Java thread dump
// (`jcmd PID Thread.print`, part of the JDK) every `everyMs`, each mongo-server-worker thread
// counted by what it is doing — waiting for a request (idle), running, or blocked on a lock,
// and which: the group commit's lock (a write waiting for the commit that covers it) or a
// collection's monitor (mongo-java-server serialises every command on a collection).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sleep } from './stats.mjs';

const run = promisify(execFile);

/** What one worker thread's stack says it is doing. */
export function threadState(stack) {
  if (/EPoll|epoll|NioEventLoop\.select|SelectorImpl/.test(stack.split('\n').find((line) => line.trim().startsWith('at ')) ?? '')) return 'idle (waiting for a request)';
  if (/GroupCommitBackend\.commitCovering/.test(stack) && /waiting to lock/.test(stack)) return 'waiting for the group commit';
  if (/GroupCommitBackend\.commitCovering/.test(stack) && /org\.h2\.mvstore/.test(stack)) return 'committing (H2)';
  const monitor = /waiting to lock <[^>]+> \(a ([^)]+)\)/.exec(stack);
  if (monitor) return /Collection/.test(monitor[1]) ? 'blocked on a collection monitor' : `blocked on ${monitor[1]}`;
  if (/State: RUNNABLE/.test(stack)) return 'running';
  return 'other';
}

/** Counts the states of the worker threads in one dump. */
export function summariseDump(dump) {
  const counts = {};
  for (const block of dump.split(/\n\s*\n/)) {
    if (!/^"mongo-server-worker/.test(block.trim())) continue;
    const state = threadState(block);
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return counts;
}

/** Samples until `stop()`; answers the mean number of worker threads in each state per dump. */
export function sampleThreadStates(pid, everyMs = 1000) {
  let stopped = false;
  const dumps = [];
  const loop = (async () => {
    while (!stopped) {
      const { stdout } = await run('jcmd', [String(pid), 'Thread.print'], { maxBuffer: 64 * 2 ** 20 });
      dumps.push(summariseDump(stdout));
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const total = {};
      for (const dump of dumps) for (const [state, count] of Object.entries(dump)) total[state] = (total[state] ?? 0) + count;
      return { dumps: dumps.length, meanThreads: Object.fromEntries(Object.entries(total).sort((a, b) => b[1] - a[1]).map(([state, count]) => [state, Number((count / (dumps.length || 1)).toFixed(1))])) };
    },
  };
}
