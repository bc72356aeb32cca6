import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Schema, type Connection } from 'mongoose';
import { connectTestDatabase, dropTestDatabase } from '../testing/index.js';
import { defineModel, newId } from './model.js';
import { paginate, PageQuery } from './paginate.js';

interface Counter {
  _id: string;
  name: string;
  workspaceId: string;
  value: number;
  rank: number;
}

const counterModel = defineModel(
  'StackCounter',
  new Schema<Counter>({
    _id: { type: String, default: () => newId('cnt') },
    name: { type: String, required: true },
    workspaceId: { type: String, required: true },
    value: { type: Number, default: 0 },
    rank: { type: Number, default: 0 },
  }).index({ workspaceId: 1, name: 1 }, { unique: true }),
);

let connection: Connection;
beforeAll(async () => {
  connection = await connectTestDatabase();
  await counterModel(connection).init();
});
afterAll(async () => {
  await dropTestDatabase(connection);
});

describe('mongoose on the embedded database', () => {
  it('enforces a compound unique index', async () => {
    const Counters = counterModel(connection);
    await Counters.create({ workspaceId: 'ws_1', name: 'leads' });
    await Counters.create({ workspaceId: 'ws_2', name: 'leads' });
    await expect(Counters.create({ workspaceId: 'ws_1', name: 'leads' })).rejects.toMatchObject({ code: 11000 });
  });

  it('upserts with findOneAndUpdate and increments with $inc', async () => {
    const Counters = counterModel(connection);
    const filter = { workspaceId: 'ws_inc', name: 'hits' };
    const first = await Counters.findOneAndUpdate(filter, { $inc: { value: 1 } }, { upsert: true, new: true }).lean();
    const second = await Counters.findOneAndUpdate(filter, { $inc: { value: 2 } }, { upsert: true, new: true }).lean();
    expect(first?.value).toBe(1);
    expect(second?._id).toBe(first?._id);
    expect(second?.value).toBe(3);
  });

  it('updates the first document in sort order with findOneAndUpdate', async () => {
    const Counters = counterModel(connection);
    await Counters.create([
      { workspaceId: 'ws_sort', name: 'b', rank: 2 },
      { workspaceId: 'ws_sort', name: 'a', rank: 1 },
      { workspaceId: 'ws_sort', name: 'c', rank: 3 },
    ]);
    const claimed = await Counters.findOneAndUpdate(
      { workspaceId: 'ws_sort', value: 0 },
      { $set: { value: 99 } },
      { sort: { rank: 1 }, new: true },
    ).lean();
    expect(claimed?.name).toBe('a');
    const highest = await Counters.findOneAndUpdate({ workspaceId: 'ws_sort' }, { $inc: { value: 1 } }, { sort: { rank: -1 }, new: true }).lean();
    expect(highest?.name).toBe('c');
  });

  it('pages through a list by _id with no gaps or repeats', async () => {
    const Counters = counterModel(connection);
    const names = Array.from({ length: 23 }, (_, index) => `page-${String(index).padStart(2, '0')}`);
    for (const name of names) await Counters.create({ workspaceId: 'ws_page', name });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await paginate(Counters, { workspaceId: 'ws_page' }, PageQuery.parse({ limit: '10', cursor }));
      seen.push(...page.items.map((item) => item.name));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].reverse());
  });

  it('finds a document by _id only when the other fields of the filter match too', async () => {
    const Counters = counterModel(connection);
    const created = await Counters.create({ workspaceId: 'ws_ix', name: 'indexed' });
    expect(await Counters.findOne({ _id: created._id, name: 'indexed' }).lean()).toMatchObject({ _id: created._id });
    expect(await Counters.findOne({ _id: created._id, name: 'other' }).lean()).toBeNull();
  });
});
