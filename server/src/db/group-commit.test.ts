import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { connectTestDatabase, dropTestDatabase } from '../testing/database.js';
import { createGroupCommit, insertEach } from './group-commit.js';

/** A flush that records its batches and holds each one until `release()`. */
function heldFlush() {
  const batches: string[][] = [];
  let releases: Array<() => void> = [];
  const flush = async (items: string[]) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((item) => (item.startsWith('bad') ? new Error(`${item} refused`) : item.toUpperCase()));
  };
  const release = () => {
    const pending = releases;
    releases = [];
    for (const resolve of pending) resolve();
  };
  return { batches, flush, release };
}

const settled = async <T>(promise: Promise<T>) => promise.then((value) => ({ value }), (error: Error) => ({ error: error.message }));

describe('createGroupCommit', () => {
  it('writes callers of one turn together, and those arriving during a flush in the next one', async () => {
    const { batches, flush, release } = heldFlush();
    const commit = createGroupCommit({ maxBatch: 100, flush });
    const first = [commit('a'), commit('b')];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [commit('c'), commit('d'), commit('e')];
    expect(batches).toEqual([['a', 'b']]); // c, d, e wait for the flush in flight
    release();
    expect(await Promise.all(first)).toEqual(['A', 'B']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    release();
    expect(await Promise.all(second)).toEqual(['C', 'D', 'E']);
  });

  it('answers no caller before its own item is written', async () => {
    const { flush, release } = heldFlush();
    const commit = createGroupCommit({ maxBatch: 100, flush });
    let answered = false;
    const pending = commit('a').then(() => (answered = true));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    release();
    await pending;
    expect(answered).toBe(true);
  });

  it('fails only the item the flush failed, and every item of a flush that throws', async () => {
    const { flush, release } = heldFlush();
    const commit = createGroupCommit({ maxBatch: 100, flush });
    const results = Promise.all([settled(commit('ok')), settled(commit('bad-one'))]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await results).toEqual([{ value: 'OK' }, { error: 'bad-one refused' }]);

    const broken = createGroupCommit<string, string>({ maxBatch: 100, flush: async () => Promise.reject(new Error('database down')) });
    expect(await Promise.all([settled(broken('x')), settled(broken('y'))])).toEqual([{ error: 'database down' }, { error: 'database down' }]);
  });

  it('splits a crowd into batches of maxBatch', async () => {
    const batches: number[] = [];
    const commit = createGroupCommit<number, number>({ maxBatch: 3, flush: async (items) => (batches.push(items.length), items) });
    expect(await Promise.all([1, 2, 3, 4, 5, 6, 7].map((item) => commit(item)))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(batches).toEqual([3, 3, 1]);
  });
});

describe('insertEach', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connectTestDatabase();
  });
  afterAll(async () => {
    await dropTestDatabase(connection);
    await connection.close();
  });

  it('stores every new document in one insert and tells each duplicate apart', async () => {
    const collection = connection.collection('group_commit_items') as unknown as Collection<{ _id: string }>;
    await collection.insertOne({ _id: 'taken' });
    expect(await insertEach(collection, [{ _id: 'new-1' }, { _id: 'taken' }, { _id: 'new-2' }])).toEqual(['inserted', 'duplicate', 'inserted']);
    expect((await collection.find({}).sort({ _id: 1 }).toArray()).map((doc) => doc._id)).toEqual(['new-1', 'new-2', 'taken']);
  });
});
