import { describe, expect, it } from '@jest/globals';
import { createWorkQueue, type WorkItem, type WorkQueueOptions } from './queue.js';

/** Work that finishes when the test says so, and what ran at once per lane. */
function controlledWork() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const work = ({ id, lane }: WorkItem) =>
    new Promise<void>((resolve) => {
      started.push(id);
      running.set(lane, (running.get(lane) ?? 0) + 1);
      peak.set(lane, Math.max(peak.get(lane) ?? 0, running.get(lane) ?? 0));
      finishers.set(id, () => {
        running.set(lane, (running.get(lane) ?? 0) - 1);
        resolve();
      });
    });
  const finish = async (...ids: string[]) => {
    for (const id of ids) finishers.get(id)?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const total = () => [...running.values()].reduce((sum, count) => sum + count, 0);
  return { started, work, finish, running, peak, total };
}

const items = (lane: string, count: number): WorkItem[] => Array.from({ length: count }, (_, n) => ({ id: `${lane}${n}`, lane }));

function queueOf(work: WorkQueueOptions['work'], options: Partial<WorkQueueOptions> = {}) {
  const released: WorkItem[] = [];
  const queue = createWorkQueue({
    concurrency: 2,
    laneLimit: () => 100,
    maxWaiting: 400,
    work,
    release: async (items) => {
      released.push(...items);
    },
    ...options,
  });
  return { queue, released };
}

describe('the work queue', () => {
  it('runs at most `concurrency` at once, each id once while queued, and reports idle', async () => {
    const { started, work, finish } = controlledWork();
    const { queue } = queueOf(work);
    queue.push([...items('a', 3), { id: 'a0', lane: 'a' }]);
    expect(started).toEqual(['a0', 'a1']);
    expect(queue.size).toBe(3);
    const idle = queue.idle();
    await finish('a0');
    expect(started).toEqual(['a0', 'a1', 'a2']);
    await finish('a1', 'a2');
    await expect(idle).resolves.toBeUndefined();
    expect(queue.has('a0')).toBe(false);
  });

  it('run() resolves when that item is done, not when the whole queue is', async () => {
    const { work, finish } = controlledWork();
    const { queue } = queueOf(work);
    queue.push([{ id: 'slow', lane: 's' }]);
    let done = false;
    const running = queue.run({ id: 'fast', lane: 'f' }).then(() => (done = true));
    await finish('fast');
    await running;
    expect(done).toBe(true);
    expect(queue.has('slow')).toBe(true);
    expect(queue.laneOf('slow')).toBe('s');
    await finish('slow');
  });

  it('serves the lanes in turn: a lane queued first with many items does not go before the others', async () => {
    const { started, work, finish } = controlledWork();
    const { queue } = queueOf(work, { concurrency: 1 });
    queue.push(items('a', 4));
    queue.push(items('b', 2));
    queue.push(items('c', 1));
    for (let n = 0; n < 7; n += 1) await finish(started[n] as string);
    expect(started).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2', 'a3']);
  });

  it('never runs more of one lane than its limit, while the other lanes use the remaining slots', async () => {
    const { started, work, finish, peak, running } = controlledWork();
    const { queue } = queueOf(work, { concurrency: 5, laneLimit: (lane) => (lane === 'slow' ? 2 : 100) });
    queue.push(items('slow', 6)); // never finishes in this test
    queue.push(items('ok', 20));
    for (let round = 0; round < 10; round += 1) {
      await finish(...started.filter((id) => id.startsWith('ok')));
    }
    expect(started.filter((id) => id.startsWith('ok'))).toHaveLength(20);
    expect(peak.get('slow')).toBe(2);
    expect(running.get('slow')).toBe(2);
    expect(peak.get('ok')).toBe(3);
  });

  it('gives each lane with work at most an equal share of the slots, so several slow lanes cannot take them all', async () => {
    const { started, work, finish, peak, running } = controlledWork();
    const { queue } = queueOf(work, { concurrency: 6, laneLimit: () => 10 });
    queue.push([...items('x', 10), ...items('y', 10), ...items('fast', 10)]); // x and y never finish here
    const fast = () => started.filter((id) => id.startsWith('fast'));
    while (fast().length < 10) await finish(...fast());
    expect([peak.get('x'), peak.get('y')]).toEqual([2, 2]);
    await finish('fast8', 'fast9'); // the fast lane is done: its share goes to the others
    expect([running.get('x'), running.get('y')]).toEqual([3, 3]);
  });

  it('keeps at most maxWaiting of a lane waiting and releases the rest, whose run() then resolves', async () => {
    const { started, work, finish } = controlledWork();
    const { queue, released } = queueOf(work, { concurrency: 10, laneLimit: () => 2, maxWaiting: 6 });
    queue.push(items('full', 10));
    expect(started).toEqual(['full0', 'full1']);
    expect(released.map((item) => item.id)).toEqual(['full8', 'full9']);
    expect(queue.saturatedLanes()).toEqual(['full']);
    await expect(queue.run({ id: 'full10', lane: 'full' })).resolves.toBeUndefined();
    expect(released.map((item) => item.id)).toEqual(['full8', 'full9', 'full10']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.has('full9')).toBe(false);
    expect(queue.size).toBe(8); // 2 running, 6 waiting

    const idle = queue.idle();
    for (let round = 0; round < 4; round += 1) await finish(...started);
    await expect(idle).resolves.toBeUndefined();
    expect(started).toHaveLength(8);
    expect(queue.saturatedLanes()).toEqual([]);
  });

  it('asks for more of a lane that gave items back once it runs low, until told the database has none', async () => {
    const { started, work, finish } = controlledWork();
    const asks: Array<[string, number]> = [];
    const { queue } = queueOf(work, { concurrency: 10, laneLimit: () => 2, maxWaiting: 4, onRoom: (lane, version) => asks.push([lane, version]) });
    queue.push(items('full', 8)); // 2 running, 4 waiting, 2 given back
    await new Promise((resolve) => setImmediate(resolve));
    expect(asks).toEqual([]); // four waiting: no room yet
    await finish('full0', 'full1'); // full2, full3 start: two waiting
    expect(asks).toEqual([]);
    await finish('full2', 'full3'); // full4, full5 start: none waiting
    expect(asks.length).toBeGreaterThan(0); // once per finish while low: the caller runs one refill at a time
    expect(new Set(asks.map(String))).toEqual(new Set(['full,1']));
    queue.drained('full', 1);
    const asked = asks.length;
    await finish('full4', 'full5');
    expect(asks).toHaveLength(asked); // drained: no more asks

    // A drain reported under an older spill does not silence a newer one.
    queue.spilled('other');
    expect(asks.slice(asked)).toEqual([['other', 1]]); // an empty lane has room at once
    queue.spilled('other');
    queue.drained('other', 1); // stale: it spilled again since, so it asks again
    expect(asks.slice(asked)).toEqual([['other', 1], ['other', 2], ['other', 2]]);
    queue.drained('other', 2);
    queue.recheck('other');
    expect(asks).toHaveLength(asked + 3);
    expect(started).toHaveLength(6);
  });

  it('calls a lane stalled only when it is full and none of its items finished for the given time', async () => {
    const { work, finish } = controlledWork();
    const { queue } = queueOf(work, { concurrency: 10, laneLimit: () => 1, maxWaiting: 2 });
    queue.push(items('s', 2)); // 1 running, 1 waiting: room for one more
    expect(queue.stalled('s', 0)).toBe(false);
    queue.push([{ id: 's9', lane: 's' }]);
    expect(queue.stalled('s', 0)).toBe(true); // full
    expect(queue.stalled('s', 60_000)).toBe(false); // but made just now
    expect(queue.stalled('unknown', 0)).toBe(false);
    await finish('s0'); // s1 starts, one waits: room again
    expect(queue.stalled('s', 0)).toBe(false);
  });

  it('frees a lane\'s slot once its item is sent, keeps the item queued until it is done, and bounds the items finishing', async () => {
    const senders = new Map<string, () => void>();
    const finishers = new Map<string, () => void>();
    const started: string[] = [];
    const work: WorkQueueOptions['work'] = ({ id }, sent) =>
      new Promise<void>((resolve) => {
        started.push(id);
        senders.set(id, sent);
        finishers.set(id, resolve);
      });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const { queue } = queueOf(work, { concurrency: 2, laneLimit: () => 1 });
    queue.push(items('a', 4));
    expect(started).toEqual(['a0']); // the lane's limit is 1
    senders.get('a0')?.();
    expect(started).toEqual(['a0', 'a1']); // a0's receiver answered: its slot is a1's
    expect(queue.has('a0')).toBe(true); // but a0 is still being recorded
    senders.get('a0')?.(); // a second call changes nothing
    expect(started).toEqual(['a0', 'a1']);
    senders.get('a1')?.();
    expect(started).toEqual(['a0', 'a1']); // two finishing = concurrency: no third yet
    finishers.get('a0')?.();
    await tick();
    expect(started).toEqual(['a0', 'a1', 'a2']);
    expect(queue.has('a0')).toBe(false);
    finishers.get('a2')?.(); // done without sent() (a paused subscription, say): its slot frees too
    await tick();
    expect(started).toEqual(['a0', 'a1', 'a2', 'a3']);
    const idle = queue.idle();
    finishers.get('a1')?.();
    senders.get('a3')?.();
    finishers.get('a3')?.();
    await expect(idle).resolves.toBeUndefined();
    expect(queue.size).toBe(0);
  });
});
