import type { Bundle, ZObject } from 'zapier-platform-core';
import type { ListOut } from '@nebulahex/shared';
import { apiRequest } from '../client.js';

/** How many options one "load more" in a dropdown brings. */
export const DROPDOWN_PAGE_SIZE = 50;

/**
 * One page of a cursor-paginated list for a dynamic dropdown. Zapier numbers the pages
 * (`bundle.meta.page` 0, 1, …) while the API pages by cursor, so the next cursor is kept in
 * Zapier's cursor store between calls; an empty stored cursor means the list has ended.
 */
export async function fetchDropdownPage<K extends string, T>(
  z: ZObject,
  bundle: Bundle,
  request: { path: string; listKey: K; params?: Record<string, string | undefined> },
): Promise<T[]> {
  const page = bundle.meta?.page ?? 0;
  const cursor = page > 0 ? await z.cursor.get() : undefined;
  if (page > 0 && !cursor) return [];
  const response = await apiRequest<ListOut<K, T>>(z, {
    path: request.path,
    params: { ...request.params, limit: DROPDOWN_PAGE_SIZE, cursor },
  });
  await z.cursor.set(response.data.nextCursor ?? '');
  return response.data[request.listKey];
}
