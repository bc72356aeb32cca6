import { describe, expect, it } from '@jest/globals';
import { createWorkQueue } from './queue.js';

/** Work that finishes when the test says so. */
function controlledWork() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const work = (id: string) =>
    new Promise<void>((resolve) => {
      started.push(id);
      finishers.set(id, resolve);
    });
  const finish = async (id: string) => {
    finishers.get(id)?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, work, finish };
}

describe('createWorkQueue', () => {
  it('runs at most `concurrency` at once, each id once while queued, and reports idle', async () => {
    const { started, work, finish } = controlledWork();
    const queue = createWorkQueue(2, work);
    queue.push(['a', 'b', 'c', 'a']);
    expect(started).toEqual(['a', 'b']);
    expect(queue.size).toBe(3);
    const idle = queue.idle();
    await finish('a');
    expect(started).toEqual(['a', 'b', 'c']);
    await finish('b');
    await finish('c');
    await expect(idle).resolves.toBeUndefined();
    expect(queue.has('a')).toBe(false);
  });

  it('run() resolves when that id is done, not when the whole queue is', async () => {
    const { work, finish } = controlledWork();
    const queue = createWorkQueue(2, work);
    queue.push(['slow']);
    let done = false;
    const running = queue.run('fast').then(() => (done = true));
    await finish('fast');
    await running;
    expect(done).toBe(true);
    expect(queue.has('slow')).toBe(true);
    await finish('slow');
  });
});
