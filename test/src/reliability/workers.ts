import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The built server entry point (`npm run build` first); the same path from src/ and dist/. */
const SERVER_MAIN = fileURLToPath(new URL('../../../server/dist/main.js', import.meta.url));
const OUTPUT_KEPT_CHARS = 4_000;

interface Worker {
  child: ChildProcess;
  output: string;
  /** Killed or stopped by the fleet (anything else is an exit on its own). */
  ended: boolean;
}

/** Worker processes (`ROLE=worker`) that a test kills and replaces. */
export interface WorkerFleet {
  /** When each SIGKILL took effect (ms since epoch). */
  readonly killTimes: number[];
  /** Processes started so far, replacements included. */
  readonly started: number;
  /** Workers that exited without being killed (each is replaced at once), with their exit code. */
  readonly unexpectedExits: Array<number | string | null>;
  /** SIGKILLs the oldest running worker, waits until it is gone, and starts a replacement. */
  killOneAndReplace(): Promise<void>;
  /** The last output of every worker, for a failure message. */
  output(): string;
  /** Stops the running workers (SIGTERM, SIGKILL after a grace period). */
  stop(): Promise<void>;
}

async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([once(child, 'exit').then(() => true), timer]);
}

/** Starts `count` worker processes of the built server with `env` (plus PATH and the like). */
export function startWorkerFleet(env: Record<string, string>, count: number): WorkerFleet {
  const running: Worker[] = [];
  const finished: Worker[] = [];
  const killTimes: number[] = [];
  const unexpectedExits: Array<number | string | null> = [];
  let started = 0;
  const launch = (): void => {
    const child = spawn(process.execPath, [SERVER_MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const worker: Worker = { child, output: '', ended: false };
    const keep = (chunk: Buffer) => (worker.output = (worker.output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // A worker that dies by itself (say, a database error at boot) is a finding, and is replaced.
    child.on('exit', (code, signal) => {
      if (worker.ended) return;
      unexpectedExits.push(code ?? signal);
      running.splice(running.indexOf(worker), 1);
      finished.push(worker);
      launch();
    });
    running.push(worker);
    started += 1;
  };
  for (let i = 0; i < count; i += 1) launch();
  return {
    killTimes,
    get started() {
      return started;
    },
    unexpectedExits,
    async killOneAndReplace() {
      const victim = running.shift();
      if (!victim) throw new Error('no worker is running');
      victim.ended = true;
      victim.child.kill('SIGKILL');
      await exited(victim.child, 10_000);
      killTimes.push(Date.now());
      finished.push(victim);
      launch();
    },
    output: () => [...finished, ...running].map((worker, i) => `--- worker ${i + 1} (pid ${worker.child.pid}) ---\n${worker.output}`).join('\n'),
    async stop() {
      const stopping = running.splice(0);
      for (const worker of stopping) {
        worker.ended = true;
        worker.child.kill('SIGTERM');
      }
      for (const worker of stopping) if (!(await exited(worker.child, 10_000))) worker.child.kill('SIGKILL');
      finished.push(...stopping);
    },
  };
}
