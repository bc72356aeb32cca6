import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { DUPLICATE_KEY } from './errors.js';

export interface GroupCommitOptions<I, O> {
  /** Items one flush takes at most. */
  maxBatch: number;
  /** Writes the items in one go; answers each item's result, or an Error that fails only that item. */
  flush(items: I[]): Promise<Array<O | Error>>;
}

/**
 * Group commit: callers that arrive while a flush is being written wait for the next one and
 * share it, so under load the database sees one write per batch instead of one per caller,
 * and when idle a caller is written at once (after the current turn of the event loop, so
 * requests parsed together travel together). Each caller's promise settles only once its own
 * item was written (or failed): nothing is acknowledged before it is stored.
 */
export function createGroupCommit<I, O>({ maxBatch, flush }: GroupCommitOptions<I, O>): (item: I) => Promise<O> {
  let waiting: Array<{ item: I; resolve(value: O): void; reject(error: unknown): void }> = [];
  let flushing = false;
  let scheduled = false;

  const next = (): void => {
    scheduled = false;
    if (flushing || waiting.length === 0) return;
    const batch = waiting.slice(0, maxBatch);
    waiting = waiting.slice(batch.length);
    flushing = true;
    flush(batch.map((entry) => entry.item))
      .then(
        (results) => batch.forEach((entry, index) => settle(entry, results[index])),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        flushing = false;
        next();
      });
  };

  const settle = (entry: (typeof waiting)[number], result: O | Error | undefined): void => {
    if (result instanceof Error) entry.reject(result);
    else if (result === undefined) entry.reject(new Error('group commit: the flush gave no result for an item'));
    else entry.resolve(result);
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!flushing && !scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    });
}

export type InsertResult = 'inserted' | 'duplicate';

/**
 * One unordered insert of all `docs`: a duplicate key (the unique index deciding between
 * concurrent writers of one document) answers 'duplicate' for that document only, any other
 * write error fails that document only, and the rest are stored either way.
 */
export async function insertEach<T extends Document>(collection: Collection<T>, docs: T[]): Promise<Array<InsertResult | Error>> {
  if (docs.length === 0) return [];
  try {
    await collection.insertMany(docs as Array<OptionalUnlessRequiredId<T>>, { ordered: false });
    return docs.map(() => 'inserted');
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ index: number; code?: number; errmsg?: string }> }).writeErrors;
    if (!writeErrors || writeErrors.length === 0) throw error;
    const failed = new Map(writeErrors.map((failure) => [failure.index, failure]));
    return docs.map((_, index) => {
      const failure = failed.get(index);
      if (!failure) return 'inserted';
      return failure.code === DUPLICATE_KEY ? 'duplicate' : new Error(`insert failed: ${failure.errmsg ?? `code ${failure.code}`}`);
    });
  }
}
