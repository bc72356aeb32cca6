import type { Model, QueryFilter } from 'mongoose';
import { z } from 'zod';

/** `limit` 1–100 (default 25) and an opaque `cursor`, as every list endpoint takes them. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Newest first, paging by `_id` (ids sort by creation time); fetches one extra row to know whether more follow. */
export async function paginate<T>(model: Model<T>, filter: QueryFilter<T>, page: PageQuery): Promise<Page<T>> {
  const query = page.cursor ? { $and: [filter, { _id: { $lt: page.cursor } }] } : filter;
  const rows = (await model
    .find(query as QueryFilter<T>)
    .sort({ _id: -1 })
    .limit(page.limit + 1)
    .lean()) as T[];
  const items = rows.slice(0, page.limit);
  const last = items.at(-1) as { _id?: unknown } | undefined;
  return { items, nextCursor: rows.length > page.limit && last ? String(last._id) : null };
}
